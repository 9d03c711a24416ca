"""pocketpilot.runtime"""
