package dev.sluice.tasks.email;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A self-signed certificate for localhost / 127.0.0.1, made once per test JVM with the JDK's keytool. */
final class TestCertificates {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static SSLContext serverContext;

    private TestCertificates() {
    }

    /** A server-side TLS context presenting the test certificate. */
    static synchronized SSLContext serverContext() throws Exception {
        if (serverContext == null) {
            Path dir = Files.createTempDirectory("sluice-email-tls");
            Path keystore = dir.resolve("server.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "smtp",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", keystore.toString(),
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD), "-noprompt")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                ks.load(in, PASSWORD);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            Files.delete(keystore);
            Files.delete(dir);
            serverContext = context;
        }
        return serverContext;
    }
}
