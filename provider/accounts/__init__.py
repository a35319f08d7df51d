"""The Azure Resource Manager family: what the SpeechAccount resource needs to manage a
Microsoft.CognitiveServices account through the official azure-mgmt-cognitiveservices client
(`settings`, `client`, `inputs`)."""
