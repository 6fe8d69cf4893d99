// ApplianceClient
