// HostBuilder
