package dev.sluice.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Lock;
import org.jspecify.annotations.Nullable;

/**
 * The types that are not values, so neither go into a cache key nor into a cached result: lambdas,
 * resources (anything {@link AutoCloseable}: sockets, streams, connections, clients) and live
 * state (threads, executors, futures, iterators, locks). Jackson would otherwise serialize some of
 * them into something that looks like a value (a socket's getters) or consume them (an iterator).
 */
final class Unhashable {
    private Unhashable() {
    }

    /** Why values of {@code type} are not values, or null when they may be. */
    static @Nullable String reason(Class<?> type) {
        if (type.isSynthetic() || type.getName().contains("$$Lambda")) {
            return "it is a lambda or method reference (code, not a value)";
        }
        if (AutoCloseable.class.isAssignableFrom(type)) {
            return "it is a resource (AutoCloseable: a socket, stream, connection or client), not a value";
        }
        if (Thread.class.isAssignableFrom(type) || ThreadGroup.class.isAssignableFrom(type)
                || ClassLoader.class.isAssignableFrom(type) || Executor.class.isAssignableFrom(type)
                || Future.class.isAssignableFrom(type) || CompletionStage.class.isAssignableFrom(type)
                || Iterator.class.isAssignableFrom(type) || Spliterator.class.isAssignableFrom(type)
                || Lock.class.isAssignableFrom(type)) {
            return "it is live state (a thread, executor, future, iterator or lock), not a value";
        }
        return null;
    }

    /** What Jackson throws for such a value; carries the reason, Jackson adds the path. */
    static final class Refused extends JsonMappingException {
        private static final long serialVersionUID = 1L;
        final String reason;
        final String typeName;

        Refused(JsonGenerator gen, String typeName, String reason) {
            super(gen, typeName + ": " + reason);
            this.reason = reason;
            this.typeName = typeName;
        }
    }

    /** A serializer that refuses its values. */
    static final class RefusingSerializer extends JsonSerializer<Object> {
        private final String reason;

        RefusingSerializer(String reason) {
            this.reason = reason;
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider serializers) throws JsonMappingException {
            throw new Refused(gen, value.getClass().getName(), reason);
        }

        @Override
        public void serializeWithType(Object value, JsonGenerator gen, SerializerProvider serializers,
                TypeSerializer typeSer) throws JsonMappingException {
            serialize(value, gen, serializers);
        }
    }
}
