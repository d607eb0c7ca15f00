package dev.switchboard.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and server certificates signed by it, made with the JDK's own keytool (so
 * tests need nothing beyond the JDK), written as the PEM files TLS servers such as redis-server read.
 */
public final class TestCertificates {

    private static final String PASSWORD = "changeit";

    private final Path dir;
    private final Path caStore;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.caStore = dir.resolve("ca.p12");
    }

    /** A new CA in {@code dir}. */
    public static TestCertificates authority(Path dir) {
        TestCertificates certificates = new TestCertificates(dir);
        certificates.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Switchboard Test CA",
                "-ext", "bc:c", "-validity", "2", "-keystore", certificates.caStore.toString(), "-storepass", PASSWORD, "-storetype", "PKCS12");
        certificates.keytool("-exportcert", "-alias", "ca", "-keystore", certificates.caStore.toString(), "-storepass", PASSWORD, "-rfc",
                "-file", certificates.caPem().toString());
        return certificates;
    }

    /** The CA's certificate, PEM. */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** A server certificate and key signed by this CA and valid for the given subject alternative names (e.g. ip:127.0.0.1). */
    public Server server(String name, String... subjectAlternativeNames) {
        Path store = dir.resolve(name + ".p12");
        Path request = dir.resolve(name + ".csr");
        Server server = new Server(dir.resolve(name + ".crt"), dir.resolve(name + "-key.pem"));
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name, "-validity", "2",
                "-keystore", store.toString(), "-storepass", PASSWORD, "-storetype", "PKCS12");
        keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-storepass", PASSWORD, "-file", request.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", PASSWORD, "-infile", request.toString(),
                "-outfile", server.certificate().toString(), "-rfc", "-validity", "2", "-ext", "san=" + String.join(",", subjectAlternativeNames));
        writePrivateKey(store, name, server.key());
        return server;
    }

    /** A server's certificate and private key, PEM. */
    public record Server(Path certificate, Path key) {
    }

    private static void writePrivateKey(Path store, String alias, Path pem) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, PASSWORD.toCharArray());
            Key key = keys.getKey(alias, PASSWORD.toCharArray());
            // PKCS#8, the "PRIVATE KEY" form OpenSSL reads for any key type.
            Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        try {
            Path log = dir.resolve("keytool.log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + arguments[0] + " failed: " + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
