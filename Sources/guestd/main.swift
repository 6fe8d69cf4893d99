import GuestdCore

// The daemon lives in GuestdCore so that its handlers can be tested in-process.
runDaemon()
