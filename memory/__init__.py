"""pocketpilot.memory"""
