"""quizgen: verified AZ-104 networking practice. Importing it pulls in no third-party package."""

__version__ = "0.1.0"
