import ArgumentParser
import Foundation

/// `appliance stop`: ends an appliance that `appliance launch` started.
struct Stop: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop an appliance started by `appliance launch`: unmount, sync and power it off."
    )

    @Argument(help: ArgumentHelp("The pid or the socket that `appliance launch` printed.", valueName: "PID|SOCKET"))
    var target: String

    @Option(help: ArgumentHelp("Wait this long for a clean power-off before killing it.", valueName: "SECONDS"))
    var timeout: Double = 30

    func run() {
        do {
            let pid = try LaunchedAppliance.pid(of: target)
            guard kill(pid, SIGTERM) == 0 else { throw LaunchedAppliance.LaunchError.io(call: "kill", path: "pid \(pid)", errno: errno) }
            let deadline = Date().addingTimeInterval(timeout)
            while kill(pid, 0) == 0, Date() < deadline { usleep(20_000) }
            if kill(pid, 0) == 0 {
                kill(pid, SIGKILL)
                say("process \(pid) did not stop within \(Int(timeout)) s; killed it")
            }
        } catch {
            fail(error)
        }
    }
}
