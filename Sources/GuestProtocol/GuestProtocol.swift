// GuestProtocol
