"""End-to-end tests of the local emulator, over HTTP on loopback."""
