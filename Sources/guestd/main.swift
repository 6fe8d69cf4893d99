print("guestd")
