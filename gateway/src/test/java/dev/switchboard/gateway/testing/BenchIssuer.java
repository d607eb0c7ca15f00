package dev.switchboard.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import org.jose4j.jwk.RsaJsonWebKey;

/**
 * For bench/identity.sh: a token issuer in its own process. Serves the JWK set of an RSA key generated at start on
 * the given port ({@link JwksServer}, realm {@code bench}), writes one RS256 token for it (an hour long, audience
 * {@code bench}, the subject of a ServiceAccount) to the given file, and serves until killed.
 */
public final class BenchIssuer {

    private BenchIssuer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path tokenFile = Path.of(args[1]);
        JwksServer issuer = JwksServer.startOn(port, "bench");
        RsaJsonWebKey key = Tokens.rsa("bench-1");
        issuer.publish(key);
        var claims = Tokens.serviceAccount(issuer.issuer(), "bench", "load", "bench");
        claims.setExpirationTimeMinutesInTheFuture(60);
        Files.writeString(tokenFile, Tokens.sign(claims, key));
        serve(issuer);
    }

    private static void serve(JwksServer issuer) throws InterruptedException {
        System.out.println("Bench issuer at " + issuer.issuer());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                issuer.close();
            } catch (Exception e) {
                // Exiting anyway.
            }
        }));
        Thread.currentThread().join();
    }
}
