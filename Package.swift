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
        .library(name: "HostBuilder", targets: ["HostBuilder"]),
        .library(name: "ApplianceClient", targets: ["ApplianceClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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

        // XDR and message framing of libguestfs's protocol 4, shared by guestd and the client.
        .target(name: "GuestProtocol"),

        .executableTarget(
            name: "guestd",
            // libkmod is opened with dlopen on first use (Kmod.swift), so it is no dependency.
            dependencies: ["GuestProtocol", "CBlkid", "CMount"],
            linkerSettings: [.unsafeFlags(["-static-stdlib"])]
        ),

        .target(name: "HostBuilder", dependencies: ["CKmod", "CCompression"]),
        .target(name: "ApplianceClient", dependencies: ["GuestProtocol", "HostBuilder"]),
        .executableTarget(
            name: "appliance",
            dependencies: [
                "HostBuilder", "ApplianceClient", "GuestProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "GuestProtocolTests", dependencies: ["GuestProtocol"]),
        .testTarget(name: "GuestdTests", dependencies: ["GuestProtocol"]),
        .testTarget(name: "HostBuilderTests", dependencies: ["HostBuilder"]),
        .testTarget(name: "ApplianceClientTests", dependencies: ["ApplianceClient", "HostBuilder"]),
        .testTarget(name: "EndToEndTests", dependencies: ["HostBuilder", "ApplianceClient", "GuestProtocol"]),
    ]
)
