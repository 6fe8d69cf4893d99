print("appliance")
