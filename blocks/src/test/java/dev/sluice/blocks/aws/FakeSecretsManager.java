package dev.sluice.blocks.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * AWS Secrets Manager's JSON 1.1 protocol, served by WireMock from memory: the operations Sluice
 * uses, with AWS's error codes, messages and status codes, the 64 KB value limit, staging labels
 * (AWSCURRENT/AWSPREVIOUS), recovery windows and ListSecrets paging (at most 3 per page, so paging
 * is exercised). Requests must carry {@code X-Amz-Target: secretsmanager.<Operation>},
 * {@code Content-Type: application/x-amz-json-1.1} and a SigV4 {@code Authorization} header, or
 * WireMock answers 404.
 */
final class FakeSecretsManager implements ResponseDefinitionTransformerV2 {
    static final String NAME = "fake-secrets-manager";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 3;

    private final Map<String, Entry> secrets = new TreeMap<>();

    private static final class Entry {
        final String name;
        final String arn;
        final String description;
        final Map<String, Version> versions = new LinkedHashMap<>();
        Double deletedDate;

        Entry(String name, String description) {
            this.name = name;
            this.arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + name + "-"
                    + UUID.randomUUID().toString().substring(0, 6);
            this.description = description;
        }
    }

    private record Version(String id, String text, String binary, List<String> stages, double created) {
    }

    /** The stub that routes every Secrets Manager call to this fake, at a low priority so tests can add faults. */
    void install(WireMockExtension wm) {
        wm.stubFor(post(urlEqualTo("/")).atPriority(10)
                .withHeader("X-Amz-Target", matching("secretsmanager\\.[A-Za-z]+"))
                .withHeader("Content-Type", containing("application/x-amz-json-1.1"))
                .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=.*"))
                .willReturn(aResponse().withTransformers(NAME)));
    }

    synchronized void clear() {
        secrets.clear();
    }

    synchronized boolean exists(String name) {
        Entry e = secrets.get(name);
        return e != null && e.deletedDate == null;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public synchronized ResponseDefinition transform(ServeEvent event) {
        String target = event.getRequest().getHeader("X-Amz-Target");
        String op = target.substring(target.indexOf('.') + 1);
        try {
            JsonNode in = JSON.readTree(event.getRequest().getBodyAsString());
            ObjectNode out = switch (op) {
                case "CreateSecret" -> create(in);
                case "GetSecretValue" -> get(in);
                case "PutSecretValue" -> put(in);
                case "DescribeSecret" -> describe(in);
                case "DeleteSecret" -> delete(in);
                case "RestoreSecret" -> restore(in);
                case "ListSecrets" -> list(in);
                default -> throw new Failure(400, "InvalidAction", "unsupported operation " + op);
            };
            return response(200, out);
        } catch (Failure f) {
            ObjectNode err = JSON.createObjectNode().put("__type", f.type).put("message", f.getMessage());
            return response(f.status, err);
        } catch (Exception e) {
            return response(500, JSON.createObjectNode().put("__type", "InternalServiceError").put("message", e.toString()));
        }
    }

    private static ResponseDefinition response(int status, ObjectNode body) {
        return new ResponseDefinitionBuilder().withStatus(status).withBody(body.toString())
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString()).build();
    }

    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String type;

        Failure(int status, String type, String message) {
            super(message);
            this.status = status;
            this.type = type;
        }
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private Entry find(JsonNode in) {
        String id = in.path("SecretId").asText();
        Entry e = secrets.get(id);
        if (e == null) {
            for (Entry other : secrets.values()) {
                if (other.arn.equals(id)) {
                    return other;
                }
            }
            throw new Failure(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }
        return e;
    }

    private static Entry live(Entry e, String what) {
        if (e.deletedDate != null) {
            throw new Failure(400, "InvalidRequestException", "You can't perform this operation on the secret because"
                    + " it was marked for deletion.");
        }
        return e;
    }

    private static Version version(JsonNode in, List<String> stages) {
        String text = in.hasNonNull("SecretString") ? in.get("SecretString").asText() : null;
        String binary = in.hasNonNull("SecretBinary") ? in.get("SecretBinary").asText() : null;
        if ((text == null) == (binary == null)) {
            throw new Failure(400, "InvalidParameterException", "You must provide either SecretString or SecretBinary.");
        }
        int size = text != null ? text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                : Base64.getDecoder().decode(binary).length;
        if (size > 65_536) {
            throw new Failure(400, "InvalidParameterException", "The parameter SecretString or SecretBinary exceeds"
                    + " the maximum allowed size of 65536 bytes.");
        }
        String id = in.hasNonNull("ClientRequestToken") ? in.get("ClientRequestToken").asText() : UUID.randomUUID().toString();
        return new Version(id, text, binary, new ArrayList<>(stages), now());
    }

    private ObjectNode create(JsonNode in) {
        String name = in.path("Name").asText();
        Entry existing = secrets.get(name);
        if (existing != null && existing.deletedDate != null) {
            throw new Failure(400, "InvalidRequestException", "You can't create this secret because a secret with this"
                    + " name is already scheduled for deletion.");
        }
        if (existing != null) {
            throw new Failure(400, "ResourceExistsException", "The operation failed because the secret " + name
                    + " already exists.");
        }
        Version v = version(in, List.of("AWSCURRENT"));
        Entry e = new Entry(name, in.path("Description").asText(""));
        e.versions.put(v.id(), v);
        secrets.put(name, e);
        return JSON.createObjectNode().put("ARN", e.arn).put("Name", name).put("VersionId", v.id());
    }

    private ObjectNode put(JsonNode in) {
        Entry e = live(find(in), "put");
        Version v = version(in, List.of("AWSCURRENT"));
        for (Version old : e.versions.values()) {
            old.stages().remove("AWSPREVIOUS");
            if (old.stages().remove("AWSCURRENT")) {
                old.stages().add("AWSPREVIOUS");
            }
        }
        e.versions.values().removeIf(old -> old.stages().isEmpty() && e.versions.size() > 100);
        e.versions.put(v.id(), v);
        ObjectNode out = JSON.createObjectNode().put("ARN", e.arn).put("Name", e.name).put("VersionId", v.id());
        out.putArray("VersionStages").add("AWSCURRENT");
        return out;
    }

    private ObjectNode get(JsonNode in) {
        Entry e = live(find(in), "get");
        Version found = null;
        if (in.hasNonNull("VersionId")) {
            found = e.versions.get(in.get("VersionId").asText());
            if (found == null) {
                throw new Failure(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret"
                        + " value for VersionId: " + in.get("VersionId").asText());
            }
        } else {
            String stage = in.path("VersionStage").asText("AWSCURRENT");
            for (Version v : e.versions.values()) {
                if (v.stages().contains(stage)) {
                    found = v;
                }
            }
            if (found == null) {
                throw new Failure(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret"
                        + " value for staging label: " + stage);
            }
        }
        ObjectNode out = JSON.createObjectNode().put("ARN", e.arn).put("Name", e.name).put("VersionId", found.id());
        if (found.text() != null) {
            out.put("SecretString", found.text());
        } else {
            out.put("SecretBinary", found.binary());
        }
        ArrayNode stages = out.putArray("VersionStages");
        found.stages().forEach(stages::add);
        out.put("CreatedDate", found.created());
        return out;
    }

    private ObjectNode describe(JsonNode in) {
        Entry e = find(in);
        ObjectNode out = JSON.createObjectNode().put("ARN", e.arn).put("Name", e.name).put("Description", e.description);
        if (e.deletedDate != null) {
            out.put("DeletedDate", e.deletedDate);
        }
        ObjectNode stages = out.putObject("VersionIdsToStages");
        e.versions.values().forEach(v -> {
            ArrayNode a = stages.putArray(v.id());
            v.stages().forEach(a::add);
        });
        return out;
    }

    private ObjectNode delete(JsonNode in) {
        Entry e = find(in);
        boolean force = in.path("ForceDeleteWithoutRecovery").asBoolean(false);
        if (force && in.has("RecoveryWindowInDays")) {
            throw new Failure(400, "InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in"
                    + " conjunction with RecoveryWindowInDays.");
        }
        if (e.deletedDate != null && !force) {
            live(e, "delete");
        }
        long days = in.path("RecoveryWindowInDays").asLong(30);
        double deletion = force ? now() : now() + days * 86_400;
        if (force) {
            secrets.remove(e.name);
        } else {
            e.deletedDate = now();
        }
        return JSON.createObjectNode().put("ARN", e.arn).put("Name", e.name).put("DeletionDate", deletion);
    }

    private ObjectNode restore(JsonNode in) {
        Entry e = find(in);
        e.deletedDate = null;
        return JSON.createObjectNode().put("ARN", e.arn).put("Name", e.name);
    }

    private ObjectNode list(JsonNode in) {
        List<String> prefixes = new ArrayList<>();
        for (JsonNode f : in.path("Filters")) {
            if (!f.path("Key").asText().equals("name")) {
                throw new Failure(400, "InvalidParameterException", "unsupported filter key " + f.path("Key").asText());
            }
            f.path("Values").forEach(v -> prefixes.add(v.asText().toLowerCase(Locale.ROOT)));
        }
        boolean includeDeleted = in.path("IncludePlannedDeletion").asBoolean(false);
        int max = Math.min(in.path("MaxResults").asInt(100), PAGE);
        int start = in.hasNonNull("NextToken") ? Integer.parseInt(in.get("NextToken").asText()) : 0;
        List<Entry> matching = new ArrayList<>();
        for (Entry e : secrets.values()) {
            String lower = e.name.toLowerCase(Locale.ROOT);
            boolean match = prefixes.isEmpty() || prefixes.stream().anyMatch(lower::startsWith);
            if (match && (includeDeleted || e.deletedDate == null)) {
                matching.add(e);
            }
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("SecretList");
        for (int i = start; i < Math.min(start + max, matching.size()); i++) {
            Entry e = matching.get(i);
            ObjectNode item = list.addObject().put("ARN", e.arn).put("Name", e.name).put("Description", e.description);
            if (e.deletedDate != null) {
                item.put("DeletedDate", e.deletedDate);
            }
        }
        if (start + max < matching.size()) {
            out.put("NextToken", String.valueOf(start + max));
        }
        return out;
    }
}
