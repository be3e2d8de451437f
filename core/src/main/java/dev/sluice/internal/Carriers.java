package dev.sluice.internal;

import dev.sluice.ContextCarrier;
import dev.sluice.RunRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ContextCarrier}s found by {@link ServiceLoader}, combined into one; found once per JVM. */
public final class Carriers {
    private static final Logger LOG = LoggerFactory.getLogger(ContextCarrier.class);

    /** What {@link ContextCarrier#installed()} returns. */
    public static final ContextCarrier INSTALLED = load();

    private Carriers() {
    }

    private static ContextCarrier load() {
        List<ContextCarrier> found = new ArrayList<>();
        var it = ServiceLoader.load(ContextCarrier.class, Carriers.class.getClassLoader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                LOG.warn("a dev.sluice.ContextCarrier could not be loaded; it is left out", e);
            }
        }
        return found.isEmpty() ? None.INSTANCE : new All(found.toArray(new ContextCarrier[0]));
    }

    /** No carrier on the class path. */
    private static final class None implements ContextCarrier {
        static final None INSTANCE = new None();

        @Override
        public void inject(Map<String, String> carrier) {
            Objects.requireNonNull(carrier, "carrier");
        }

        @Override
        public RunRecorder.Scope extract(Map<String, String> carrier) {
            Objects.requireNonNull(carrier, "carrier");
            return RunRecorder.Scope.NOOP;
        }

        @Override
        public String toString() {
            return "ContextCarrier[]";
        }
    }

    /** Several carriers: each in turn; one that throws is logged and skipped. */
    private static final class All implements ContextCarrier {
        private final ContextCarrier[] all;

        All(ContextCarrier[] all) {
            this.all = all;
        }

        @Override
        public void inject(Map<String, String> carrier) {
            Objects.requireNonNull(carrier, "carrier");
            for (ContextCarrier c : all) {
                try {
                    c.inject(carrier);
                } catch (RuntimeException e) {
                    LOG.warn("context carrier {} failed to inject; its context is not carried", c, e);
                }
            }
        }

        @Override
        public RunRecorder.Scope extract(Map<String, String> carrier) {
            Objects.requireNonNull(carrier, "carrier");
            RunRecorder.Scope[] scopes = new RunRecorder.Scope[all.length];
            for (int i = 0; i < all.length; i++) {
                try {
                    scopes[i] = Objects.requireNonNull(all[i].extract(carrier), "scope");
                } catch (RuntimeException e) {
                    LOG.warn("context carrier {} failed to extract; its context is not carried", all[i], e);
                    scopes[i] = RunRecorder.Scope.NOOP;
                }
            }
            return () -> {
                for (int i = scopes.length - 1; i >= 0; i--) {
                    try {
                        scopes[i].close();
                    } catch (RuntimeException e) {
                        LOG.warn("closing the scope of context carrier {} failed", all[i], e);
                    }
                }
            };
        }

        @Override
        public String toString() {
            return "ContextCarrier" + List.of(all);
        }
    }
}
