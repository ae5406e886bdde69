"""The example's optional sign-up gate (a Cognito pre sign-up trigger)."""
