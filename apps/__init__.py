"""pocketpilot.apps"""
