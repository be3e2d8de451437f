package dev.sluice.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.jspecify.annotations.Nullable;

/** Writes small application jars from compiled test classes. */
final class Jars {
    private Jars() {
    }

    /** A jar at {@code jar} holding {@code type} (and its nested classes) and the resource {@code resource}, if given. */
    static Path of(Path jar, Class<?> type, @Nullable String resource) throws IOException {
        Path classes = Path.of(type.getProtectionDomain().getCodeSource().getLocation().getPath());
        String pkg = type.getPackageName().replace('.', '/');
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            try (var files = Files.list(classes.resolve(pkg))) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith(type.getSimpleName())).toList()) {
                    out.putNextEntry(new JarEntry(pkg + "/" + f.getFileName()));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
            if (resource != null) {
                out.putNextEntry(new JarEntry(resource));
                try (InputStream in = Files.newInputStream(classes.resolve(resource))) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }
}
