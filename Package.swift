// swift-tools-version: 6.0
import PackageDescription

// The appliance: `init` (Embedded Swift, static, PID 1 of the initrd), `guestd` (PID 1 of
// the appliance root, static Swift runtime so the root needs only C libraries), and the
// host side (`HostBuilder`, `ApplianceClient`, the `appliance` CLI).
let package = Package(
    name: "appliance",
    products: [
        .executable(name: "appliance", targets: ["appliance"]),
        .executable(name: "init", targets: ["ApplianceInit"]),
        .executable(name: "guestd", targets: ["guestd"]),
        .executable(name: "appliance-sshd", targets: ["appliance-sshd"]),
        .library(name: "HostBuilder", targets: ["HostBuilder"]),
        .library(name: "ApplianceClient", targets: ["ApplianceClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Only appliance-sshd uses these; the default appliance never contains them.
        .package(url: "https://github.com/apple/swift-nio-ssh", .upToNextMinor(from: "0.15.1")),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // PID 1 of the initrd. Embedded Swift cannot import Glibc: libc is reached through CInit.
        .target(name: "CInit"),
        .executableTarget(
            name: "ApplianceInit",
            dependencies: ["CInit"],
            path: "Sources/init",
            swiftSettings: [.enableExperimentalFeature("Embedded"), .unsafeFlags(["-wmo", "-Osize"])],
            linkerSettings: [.unsafeFlags(["-Xclang-linker", "-static", "-Xlinker", "--strip-all"])]
        ),

        .systemLibrary(name: "CBlkid", pkgConfig: "blkid", providers: [.apt(["libblkid-dev"])]),
        .systemLibrary(name: "CMount", pkgConfig: "mount", providers: [.apt(["libmount-dev"])]),
        .systemLibrary(name: "CKmod", pkgConfig: "libkmod", providers: [.apt(["libkmod-dev"])]),
        .systemLibrary(name: "CCompression", providers: [.apt(["liblzma-dev", "libzstd-dev", "zlib1g-dev"])]),

        // Typed errno, the one EINTR retry and whole reads/writes, for every target.
        .target(name: "SystemCalls"),

        // XDR and message framing of libguestfs's protocol 4, shared by guestd and the client.
        .target(name: "GuestProtocol", dependencies: ["SystemCalls"]),
        // Writes the code that follows from GuestProtocol's procedure table
        // (scripts/generate-protocol); the tests check the checked-in output is current.
        .target(name: "ProtocolGenerator", dependencies: ["GuestProtocol"]),
        .executableTarget(name: "generate-protocol", dependencies: ["ProtocolGenerator"]),

        // The appliance's kernel command-line words, written by the launcher and parsed by
        // guestd: one definition for both sides. No Foundation, for guestd's static runtime.
        .target(name: "ApplianceKernelWords"),

        // DHCPv4 messages and the client's exchange, pure code: guestd's DHCP client sends them.
        .target(name: "DHCP"),

        // Text formats of the storage tools guestd reads (mdadm's --detail --export,
        // /proc/mdstat, mdadm.conf), pure code so they are tested without a VM.
        .target(name: "StorageText"),

        // The daemon: everything but `main`, so tests can call its handlers in-process.
        // libkmod is opened with dlopen on first use (Kmod.swift), so it is no dependency.
        .target(name: "GuestdCore", dependencies: ["SystemCalls", "GuestProtocol", "ApplianceKernelWords", "DHCP", "StorageText", "CBlkid", "CMount"]),
        .executableTarget(
            name: "guestd",
            dependencies: ["GuestdCore"],
            linkerSettings: [.unsafeFlags(["-static-stdlib"])]
        ),

        // The appliance's SSH server (`appliance build --ssh`): a separate program so the
        // default root carries none of SwiftNIO; static Swift runtime like guestd.
        .executableTarget(
            name: "appliance-sshd",
            dependencies: [
                "ApplianceKernelWords", "SystemCalls",
                .product(name: "NIOSSH", package: "swift-nio-ssh"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // NIOSSH pulls in Foundation (NIOFoundationCompat); linked statically it needs
            // CoreFoundation and ICU named, which the driver's static list leaves out.
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "--gc-sections", "-Xlinker", "--strip-all", "-Xlinker", "--start-group",
                                           "-lFoundation", "-lFoundationEssentials", "-lFoundationInternationalization",
                                           "-l_FoundationCollections", "-l_FoundationCShims", "-lCoreFoundation",
                                           "-l_FoundationICU", "-lswiftSynchronization", "-Xlinker", "--end-group"])]
        ),

        .target(name: "HostBuilder", dependencies: ["SystemCalls", "CKmod", "CCompression"]),
        // Forks the watchdog that takes qemu down with its parent, however the parent dies.
        .target(name: "CWatchdog"),
        .target(name: "ApplianceClient", dependencies: ["SystemCalls", "GuestProtocol", "ApplianceKernelWords", "HostBuilder", "CWatchdog"]),
        .executableTarget(
            name: "appliance",
            dependencies: [
                "HostBuilder", "ApplianceClient", "ApplianceKernelWords", "GuestProtocol", "SystemCalls",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "GuestProtocolTests", dependencies: ["GuestProtocol", "ProtocolGenerator", "SystemCalls"]),
        .testTarget(name: "GuestdTests", dependencies: ["GuestProtocol", "GuestdCore", "SystemCalls"]),
        .testTarget(name: "DHCPTests", dependencies: ["DHCP"]),
        .testTarget(name: "SystemCallsTests", dependencies: ["SystemCalls"]),
        .testTarget(name: "StorageTextTests", dependencies: ["StorageText"]),
        .testTarget(name: "ApplianceKernelWordsTests", dependencies: ["ApplianceKernelWords"]),
        .testTarget(name: "HostBuilderTests", dependencies: ["HostBuilder"]),
        .testTarget(name: "ApplianceClientTests", dependencies: ["ApplianceClient", "ApplianceKernelWords", "HostBuilder"]),
        .testTarget(name: "EndToEndTests", dependencies: ["HostBuilder", "ApplianceClient", "GuestProtocol"]),
    ]
)
