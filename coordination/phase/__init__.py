"""Phase change alerts and the rules that turn night contacts into phase proposals."""
