// swift-tools-version:5.7
// SwiftPM package exposing the C API of gemini-live as the Swift module `GeminiLive`.
//
// `GeminiLive` is a system-library target: Sources/GeminiLive/module.modulemap and gemini_live.h
// are symlinks to the repository's include/module.modulemap and include/gemini_live.h (one
// source of truth, checked by bindings/swift/check.sh). The library is found through pkg-config
// (`gemini_live.pc`, installed by scripts/install.sh or `cmake --install`).
// Use it as a local package: .package(path: "<gemini-live checkout>/bindings/swift").
import PackageDescription

let package = Package(
    name: "GeminiLive",
    products: [
        .library(name: "GeminiLive", targets: ["GeminiLive"]),
    ],
    targets: [
        .systemLibrary(
            name: "GeminiLive",
            path: "Sources/GeminiLive",
            pkgConfig: "gemini_live",
            providers: [
                .apt(["libgemini-live-dev"]),
                .brew(["gemini-live"]),
            ]
        ),
    ]
)
