"""The Custom Voice family: the REST client (`client`, `transport`, `auth`, `polling`, `errors`;
none of them imports pulumi) and what the speech resources share (`base`, `adoption`,
`settings`, `voice_inputs`)."""
