package dev.sluice.tasks.email;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code EmailServerCredentials} is made where only this module's jar is on the class path (the {@code sluice
 * blocks create} command with {@code SLUICE_CLASSPATH=sluice-tasks-email.jar}): nothing it loads needs the mail API.
 */
class CredentialsWithoutMailApiTest {

    @Test
    void theCredentialsBlockIsBuiltWithoutTheMailApiOnTheClassPath() throws Exception {
        // a class loader that sees this module's classes and core's, and refuses jakarta.*
        List<URL> urls = new ArrayList<>();
        urls.add(location(EmailServerCredentials.class));
        urls.add(location(Secret.class));
        ClassLoader noMail = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("jakarta.") || name.startsWith("org.eclipse.angus.")) {
                    throw new ClassNotFoundException(name + " (kept off this class path on purpose)");
                }
                if (name.startsWith("org.slf4j.") || name.startsWith("org.jspecify.") || name.startsWith("com.fasterxml.")) {
                    return CredentialsWithoutMailApiTest.class.getClassLoader().loadClass(name);
                }
                return super.loadClass(name, resolve);
            }
        };
        Class<?> security = noMail.loadClass(EmailSecurity.class.getName());
        Class<?> secret = noMail.loadClass(Secret.class.getName());
        Class<?> type = noMail.loadClass(EmailServerCredentials.class.getName());
        Object starttls = security.getField("STARTTLS").get(null);
        Object password = secret.getMethod("of", String.class).invoke(null, "pw-fake-1234");
        Object built = type.getMethod("of", String.class, security, String.class, secret)
                .invoke(null, "smtp.example.com", starttls, "ops", password);
        assertThat(type.getMethod("port").invoke(built)).isEqualTo(587);
        assertThat(type.getMethod("host").invoke(built)).isEqualTo("smtp.example.com");
    }

    @Test
    void theChecksTheCredentialsUseDoNotReferToTheMailApi() throws IOException {
        for (Class<?> c : new Class<?>[] {EmailServerCredentials.class, dev.sluice.tasks.email.internal.Checks.class,
                EmailSecurity.class}) {
            try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
                String bytes = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(bytes).as(c.getName()).doesNotContain("jakarta/mail");
            }
        }
    }

    private static URL location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toURL();
    }
}
