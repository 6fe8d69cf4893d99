import NIOCore
import NIOSSH

/// Lets in exactly one user, root, holding exactly one key: the one the host gave at
/// launch. NIOSSH has checked the signature before asking; this only compares keys.
final class PublicKeyAuthorizer: NIOSSHServerUserAuthenticationDelegate, Sendable {
    let authorizedKey: NIOSSHPublicKey

    init(authorizedKey: NIOSSHPublicKey) { self.authorizedKey = authorizedKey }

    var supportedAuthenticationMethods: NIOSSHAvailableUserAuthenticationMethods { .publicKey }

    func requestReceived(request: NIOSSHUserAuthenticationRequest,
                         responsePromise: EventLoopPromise<NIOSSHUserAuthenticationOutcome>) {
        guard request.username == "root", case let .publicKey(offer) = request.request, offer.publicKey == authorizedKey else {
            if case .publicKey = request.request { log("refused a key for \(request.username)") }
            return responsePromise.succeed(.failure)
        }
        log("root logged in")
        responsePromise.succeed(.success)
    }
}
