"""pocketpilot.planner"""
