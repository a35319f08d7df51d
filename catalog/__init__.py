"""The stack catalog: the voices (and the projects and consents they use) declared as data
in `stacks/<stack>.yaml`, and the wiring that turns a catalog into Pulumi resources."""
