package dev.sluice;

import dev.sluice.testkit.TestRuntimes;
import dev.sluice.notify.LogNotifier;
import dev.sluice.block.BlockTypeProvider;
import dev.sluice.block.Block;
import dev.sluice.block.BlockRef;
import dev.sluice.block.BlockTypeMismatchException;
import dev.sluice.block.BlockException;
import dev.sluice.block.BlockExistsException;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockNotFoundException;
import dev.sluice.block.BlockStore;
import dev.sluice.block.BlockType;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.internal.blocks.CoreBlockTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlocksTest {
    @BlockType("test-db")
    record TestDb(String url, String user, Secret password) implements Block {
    }

    @BlockType("test-smtp")
    record TestSmtp(String host, int port, @Nullable String user, Optional<Secret> password) implements Block {
        TestSmtp {
            if (port <= 0) {
                throw new IllegalArgumentException("port must be > 0, was " + port);
            }
        }
    }

    @BlockType("test-aws-credentials")
    record AwsCreds(String accessKeyId, Secret secretAccessKey) implements Block {
    }

    @BlockType("test-aws-secret")
    record AwsSecretRef(String secretName, AwsCreds credentials) implements Block {
    }

    @BlockType("test-alerting")
    record Alerting(String team, Block target) implements Block {
    }

    @BlockType("test-webhook")
    record Webhook(Secret url, Map<String, Secret> headers, List<String> channels) implements Block {
    }

    private BlockStore store;

    @BeforeEach
    void useMemory() {
        store = BlockStore.inMemory();
        TestRuntimes.use(b -> b.blockStore(store));
        Blocks.registerType(TestDb.class);
        Blocks.registerType(Alerting.class);
        Blocks.registerType(AwsCreds.class);
        Blocks.registerType(AwsSecretByRef.class);
    }

    @AfterEach
    void reset() {
        TestRuntimes.reset();
    }

    @Test
    void aSchemaDescribesTheFieldsAndBuildsABlockFromText() {
        dev.sluice.block.BlockSchema smtp = dev.sluice.block.BlockSchema.of(TestSmtp.class);
        assertThat(smtp.slug()).isEqualTo("test-smtp");
        assertThat(smtp.fields()).extracting(f -> f.name() + ":" + f.type() + ":" + f.secret() + ":" + f.required())
                .containsExactly("host:String:false:true", "port:int:false:false", "user:String:false:false",
                        "password:Optional<Secret>:true:false");
        assertThat(smtp.fromText(Map.of("host", "smtp.example.com", "port", "587", "password", "pw-typed")))
                .isEqualTo(new TestSmtp("smtp.example.com", 587, null, Optional.of(Secret.of("pw-typed"))));
        assertThat(dev.sluice.block.BlockSchema.of(Webhook.class).fromText(Map.of("url", "https://hooks.example.com/t0ken",
                "headers", "{\"X-Key\": \"k-123\"}", "channels", "[\"#ops\", \"#data\"]")))
                .isEqualTo(new Webhook(Secret.of("https://hooks.example.com/t0ken"), Map.of("X-Key", Secret.of("k-123")),
                        List.of("#ops", "#data")));

        assertThatThrownBy(() -> smtp.fromText(Map.of("port", "many", "hots", "x", "password", "pw-not-quoted")))
                .isInstanceOf(BlockException.class)
                .hasMessageContainingAll("required field 'host' has no value", "field 'port' cannot be read as int",
                        "no field 'hots'")
                .message().doesNotContain("many", "pw-not-quoted");
        assertThatThrownBy(() -> smtp.fromText(Map.of("host", "h", "port", "-1")))
                .isInstanceOf(BlockException.class).hasMessageContaining("port must be > 0");
        assertThatThrownBy(() -> smtp.fromText("mail-relay", Map.of("host", "h")))
                .as("a number left out is 0, which this block refuses, naming the block to be saved")
                .isInstanceOf(BlockException.class).hasMessageContainingAll("test-smtp/mail-relay", "port must be > 0")
                .message().doesNotContain("new-block");
        assertThat(smtp.fromText(Map.of("host", "h", "port", "25", "user", "", "password", "")))
                .as("an empty text given for a text or a secret is that empty value")
                .isEqualTo(new TestSmtp("h", 25, "", Optional.of(Secret.of(""))));

        Blocks.save("creds", new AwsCreds("AKIDEXAMPLE", Secret.of("fake-aws-secret")));
        assertThat(dev.sluice.block.BlockSchema.of(AwsSecretRef.class).fromText(Map.of("secretName", "s", "credentials", "creds")))
                .as("a nested block by the name of a saved one")
                .isEqualTo(new AwsSecretRef("s", new AwsCreds("AKIDEXAMPLE", Secret.of("fake-aws-secret"))));
        assertThat(Blocks.types()).extracting(dev.sluice.block.BlockSchema::slug).contains("test-db", "test-aws-credentials")
                .isSorted();
    }

    @Test
    void savesAndLoadsByTypeAndName() {
        TestDb db = new TestDb("jdbc:postgresql://db/dw", "etl", Secret.of("pw-roundtrip"));
        Blocks.save("warehouse", db);
        TestDb loaded = Blocks.load(TestDb.class, "warehouse");
        assertThat(loaded).isEqualTo(db);
        assertThat(loaded.password().reveal()).isEqualTo("pw-roundtrip");
        assertThat(Blocks.load("test-db/warehouse")).isEqualTo(db);
        assertThat(Blocks.find(TestDb.class, "warehouse")).contains(db);
        assertThat(Blocks.find(TestDb.class, "other")).isEmpty();
    }

    @Test
    void optionalAndNullableComponentsRoundTrip() {
        TestSmtp full = new TestSmtp("smtp.example.com", 465, "ops", Optional.of(Secret.of("pw-optional")));
        TestSmtp bare = new TestSmtp("localhost", 25, null, Optional.empty());
        Blocks.save("full", full);
        Blocks.save("bare", bare);
        assertThat(Blocks.load(TestSmtp.class, "full")).isEqualTo(full);
        assertThat(Blocks.load(TestSmtp.class, "bare")).isEqualTo(bare);
        assertThat(store.read(new BlockId("test-smtp", "bare")).orElseThrow()).doesNotContain("user");
    }

    @Test
    void savingOverAnEnvironmentBlockWarnsThatTheEnvironmentWins() {
        BlockStore memory = BlockStore.inMemory();
        TestRuntimes.use(b -> b.blockStore(BlockStore.chain(BlockStore.environment(Map.of("SLUICE_BLOCK_TEST_DB_PROD",
                "{\"url\":\"env\",\"user\":\"env\",\"password\":\"pw-env\"}")), memory)));
        assertThatThrownBy(() -> Blocks.save("prod", new TestDb("file", "file", Secret.of("pw-file"))))
                .isInstanceOf(BlockExistsException.class);
        try (CapturedOutput out = new CapturedOutput()) {
            Blocks.save("prod", new TestDb("file", "file", Secret.of("pw-file")), true);
            assertThat(out.text()).contains("test-db/prod").contains("is read first");
        }
        assertThat(Blocks.load(TestDb.class, "prod").user()).isEqualTo("env");
        assertThat(memory.read(new BlockId("test-db", "prod"))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Prod", "ops smtp", "../etc/passwd", "", "ops.smtp", "é", "a/b"})
    void namesBreakingTheRuleAreRejectedWithTheRule(String name) {
        TestDb db = new TestDb("u", "a", Secret.of("pw-names"));
        assertThatThrownBy(() -> Blocks.save(name, db))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lowercase letters, digits, '-' and '_'");
        assertThatThrownBy(() -> Blocks.load(TestDb.class, name)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesWithHyphensUnderscoresAndDigitsAreFineUpTo64Characters() {
        TestDb db = new TestDb("u", "a", Secret.of("pw-names"));
        Blocks.save("ops-smtp_2", db);
        Blocks.save("x".repeat(64), db);
        assertThatThrownBy(() -> Blocks.save("x".repeat(65), db)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Blocks.list(TestDb.class)).containsExactly("ops-smtp_2", "x".repeat(64));
    }

    @Test
    void anUnknownNameListsTheSavedNamesOfThatType() {
        Blocks.save("smtp-prod", new TestSmtp("smtp.example.com", 587, "ops", Optional.of(Secret.of("pw-a"))));
        Blocks.save("smtp-test", new TestSmtp("localhost", 2525, null, Optional.empty()));
        Blocks.save("warehouse", new TestDb("u", "a", Secret.of("pw-b")));
        assertThatThrownBy(() -> Blocks.load(TestSmtp.class, "smtp-dev"))
                .isInstanceOf(BlockNotFoundException.class)
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("block 'smtp-dev' of type test-smtp")
                .hasMessageContaining("saved blocks of that type: [smtp-prod, smtp-test]")
                .satisfies(e -> {
                    BlockNotFoundException nf = (BlockNotFoundException) e;
                    assertThat(nf.existingNames()).containsExactly("smtp-prod", "smtp-test");
                    assertThat(nf.id()).isEqualTo(new BlockId("test-smtp", "smtp-dev"));
                });
        assertThatThrownBy(() -> Blocks.load("test-smtp/smtp-dev")).isInstanceOf(BlockNotFoundException.class);
    }

    @Test
    void aNameSavedUnderAnotherTypeIsNamedInTheError() {
        Blocks.save("prod", new TestDb("u", "a", Secret.of("pw-c")));
        assertThatThrownBy(() -> Blocks.load(TestSmtp.class, "prod"))
                .isInstanceOfSatisfying(BlockTypeMismatchException.class, e -> {
                    assertThat(e.requested()).isEqualTo(new BlockId("test-smtp", "prod"));
                    assertThat(e.savedTypes()).containsExactly("test-db");
                })
                .hasMessageStartingWith("block 'prod' is saved as type test-db, not test-smtp (TestSmtp)")
                .hasMessageContaining("saved blocks of type test-smtp: []");
        assertThat(Blocks.find(TestSmtp.class, "prod")).as("find is still a plain miss").isEmpty();
    }

    @Test
    void aDuplicateSaveWithoutOverwriteFailsAndKeepsTheFirst() {
        Blocks.save("prod", new TestDb("u1", "first", Secret.of("pw-1")));
        assertThatThrownBy(() -> Blocks.save("prod", new TestDb("u2", "second", Secret.of("pw-2"))))
                .isInstanceOf(BlockExistsException.class)
                .hasMessageContaining("block 'prod' of type test-db already exists")
                .hasMessageContaining("Blocks.save(\"prod\", block, true)")
                .hasMessageNotContaining("pw-2");
        assertThat(Blocks.load(TestDb.class, "prod").user()).isEqualTo("first");
        Blocks.save("prod", new TestDb("u2", "second", Secret.of("pw-2")), true);
        assertThat(Blocks.load(TestDb.class, "prod").user()).isEqualTo("second");
    }

    @Test
    void anUnknownExtraFieldLoadsAndIsLogged() {
        store.write(new BlockId("test-db", "old"),
                "{\"url\":\"u\",\"user\":\"etl\",\"password\":{\"$secret\":\"pw-old\"},\"legacyPoolSize\":7}", false);
        try (CapturedOutput out = new CapturedOutput()) {
            TestDb db = Blocks.load(TestDb.class, "old");
            assertThat(db.user()).isEqualTo("etl");
            assertThat(out.text()).contains("test-db/old").contains("legacyPoolSize").contains("ignored");
        }
    }

    @Test
    void aMissingRequiredFieldIsAnErrorNamingIt() {
        store.write(new BlockId("test-db", "nopw"), "{\"url\":\"u\",\"user\":\"etl\"}", false);
        assertThatThrownBy(() -> Blocks.load(TestDb.class, "nopw"))
                .isInstanceOf(BlockException.class)
                .hasMessageContaining("block 'test-db/nopw' lacks required field 'password' (Secret)");
        // a number left out is 0, as on the command line: the record's own check refuses it, naming the field
        store.write(new BlockId("test-smtp", "noport"), "{\"host\":\"h\"}", false);
        assertThatThrownBy(() -> Blocks.load(TestSmtp.class, "noport"))
                .isInstanceOf(BlockException.class).hasMessageContaining("test-smtp/noport").hasMessageContaining("port must be > 0, was 0");
    }

    @Test
    void nullableAndOptionalFieldsMayBeMissing() {
        store.write(new BlockId("test-smtp", "anon"), "{\"host\":\"h\",\"port\":25}", false);
        TestSmtp smtp = Blocks.load(TestSmtp.class, "anon");
        assertThat(smtp.user()).isNull();
        assertThat(smtp.password()).isEmpty();
    }

    @Test
    void aFieldOfTheWrongShapeIsAnErrorWithoutItsValue() {
        store.write(new BlockId("test-smtp", "bad"), "{\"host\":\"h\",\"port\":\"hunter2-port\"}", false);
        assertThatThrownBy(() -> Blocks.load(TestSmtp.class, "bad"))
                .isInstanceOf(BlockException.class)
                .hasMessageContaining("field 'port' of block 'test-smtp/bad' cannot be read as int")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aValueTheRecordRejectsIsAnErrorNamingTheBlock() {
        store.write(new BlockId("test-smtp", "zero"), "{\"host\":\"h\",\"port\":0}", false);
        assertThatThrownBy(() -> Blocks.load(TestSmtp.class, "zero"))
                .isInstanceOf(BlockException.class)
                .hasMessageContaining("block 'test-smtp/zero' could not be built as TestSmtp")
                .hasMessageContaining("port must be > 0, was 0");
    }

    @BlockType("test-bot-token")
    record BotToken(Secret token) implements Block {
        BotToken {
            if (!token.reveal().startsWith("xoxb-")) {
                throw new IllegalArgumentException("token must start with xoxb-, was " + token.reveal());
            }
        }
    }

    /** The record's own exception quotes the secret: neither the message nor the cause chain shows it. */
    @Test
    void aRecordRejectingASecretLeavesItOutOfTheMessageAndTheCause() {
        store.write(new BlockId("test-bot-token", "ops"), "{\"token\":{\"$secret\":\"not-a-bot-token-8f2e\"}}", false);
        Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> Blocks.load(BotToken.class, "ops"));
        java.io.StringWriter all = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(all));

        assertThat(e).isInstanceOf(BlockException.class).hasMessageContaining("token must start with xoxb-");
        assertThat(all.toString()).contains("IllegalArgumentException").doesNotContain("not-a-bot-token-8f2e");
    }

    @BlockType("test-aws-secret-by-ref")
    record AwsSecretByRef(String secretName, BlockRef<AwsCreds> credentials) implements Block {
    }

    @Test
    void aBlockRefIsSavedByNameAndLoadedWhenAsked() {
        Blocks.save("prod", new AwsCreds("AKIA-OLD", Secret.of("aws-secret-old")));
        Blocks.save("db-password", new AwsSecretByRef("prod/db", BlockRef.to(AwsCreds.class, "prod")));
        assertThat(store.read(new BlockId("test-aws-secret-by-ref", "db-password")).orElseThrow())
                .contains("\"credentials\":\"test-aws-credentials/prod\"").doesNotContain("AKIA-OLD");
        AwsSecretByRef ref = Blocks.load(AwsSecretByRef.class, "db-password");
        Blocks.save("prod", new AwsCreds("AKIA-NEW", Secret.of("aws-secret-new")), true);
        assertThat(ref.credentials()).isEqualTo(BlockRef.to(AwsCreds.class, "prod"));
        assertThat(ref.credentials().load().accessKeyId()).as("loaded when asked: the new one").isEqualTo("AKIA-NEW");
        assertThat(ref.credentials().load().secretAccessKey().reveal()).isEqualTo("aws-secret-new");
    }

    @Test
    void aBlockRefToAMissingBlockFailsWhenLoadedNotBefore() {
        store.write(new BlockId("test-aws-secret-by-ref", "dangling"), "{\"secretName\":\"s\",\"credentials\":\"gone\"}", false);
        AwsSecretByRef dangling = Blocks.load(AwsSecretByRef.class, "dangling");
        assertThatThrownBy(() -> dangling.credentials().load()).isInstanceOf(BlockNotFoundException.class)
                .hasMessageContaining("block 'gone' of type test-aws-credentials");
        store.write(new BlockId("test-aws-secret-by-ref", "wrong"), "{\"secretName\":\"s\",\"credentials\":\"test-db/x\"}", false);
        assertThatThrownBy(() -> Blocks.load(AwsSecretByRef.class, "wrong")).isInstanceOf(BlockException.class)
                .hasMessageContaining("must refer to a block of type test-aws-credentials");
    }

    @Test
    void aLoadedNestedBlockIsSavedAsACopy() {
        Blocks.save("prod", new AwsCreds("AKIA-OLD", Secret.of("aws-secret-old")));
        Blocks.save("db-password", new AwsSecretRef("prod/db", Blocks.load(AwsCreds.class, "prod")));
        Blocks.save("prod", new AwsCreds("AKIA-NEW", Secret.of("aws-secret-new")), true);
        assertThat(Blocks.load(AwsSecretRef.class, "db-password").credentials().accessKeyId())
                .as("a block-typed field holds its block inline; refer with BlockRef to follow changes")
                .isEqualTo("AKIA-OLD");
    }

    @Test
    void aNestedBlockMadeWithNewIsSavedInline() {
        AwsSecretRef inline = new AwsSecretRef("prod/db", new AwsCreds("AKIA-INLINE", Secret.of("aws-secret-inline")));
        Blocks.save("inline", inline);
        assertThat(store.read(new BlockId("test-aws-secret", "inline")).orElseThrow()).contains("AKIA-INLINE");
        assertThat(Blocks.load(AwsSecretRef.class, "inline")).isEqualTo(inline);
    }

    @Test
    void aMissingNestedBlockIsAnErrorNamingBoth() {
        store.write(new BlockId("test-aws-secret", "dangling"), "{\"secretName\":\"s\",\"credentials\":\"gone\"}", false);
        assertThatThrownBy(() -> Blocks.load(AwsSecretRef.class, "dangling"))
                .isInstanceOf(BlockException.class)
                .hasMessageContaining("block 'test-aws-secret/dangling' refers to block 'test-aws-credentials/gone'");
    }

    @Test
    void anInterfaceTypedFieldTakesSlugSlashNameOrAnInlineBlockWithItsType() {
        Blocks.save("creds", new AwsCreds("AKIA-IF", Secret.of("aws-secret-if")));
        store.write(new BlockId("test-alerting", "by-ref"), "{\"team\":\"ops\",\"target\":\"test-aws-credentials/creds\"}", false);
        assertThat(((AwsCreds) Blocks.load(Alerting.class, "by-ref").target()).accessKeyId()).isEqualTo("AKIA-IF");
        Alerting inline = new Alerting("data", new TestDb("u", "a", Secret.of("pw-inline-if")));
        Blocks.save("inline", inline);
        assertThat(store.read(new BlockId("test-alerting", "inline")).orElseThrow()).contains("\"$type\":\"test-db\"");
        assertThat(Blocks.load(Alerting.class, "inline")).isEqualTo(inline);
    }

    @Test
    void circularReferencesAreAnError() {
        store.write(new BlockId("test-alerting", "a"), "{\"team\":\"t\",\"target\":\"test-alerting/b\"}", false);
        store.write(new BlockId("test-alerting", "b"), "{\"team\":\"t\",\"target\":\"test-alerting/a\"}", false);
        assertThatThrownBy(() -> Blocks.load(Alerting.class, "a"))
                .isInstanceOf(BlockException.class)
                .hasMessageContaining("circle")
                .hasMessageContaining("test-alerting/a -> test-alerting/b -> test-alerting/a");
    }

    @Test
    void secretsInsideMapsAndListsAreEncryptedByTheFileStore(@TempDir Path home) throws Exception {
        TestRuntimes.use(b -> b.blockStore(BlockStore.file(home, Map.of())));
        Webhook hook = new Webhook(Secret.of("https://hooks.example.com/T0/B0/xyz"),
                Map.of("Authorization", Secret.of("Bearer tok-in-a-map")), List.of("#ops"));
        Blocks.save("ops", hook);
        String onDisk = Files.readString(home.resolve("blocks/test-webhook/ops.json"));
        assertThat(onDisk).doesNotContain("tok-in-a-map").doesNotContain("hooks.example.com").contains("#ops");
        assertThat(Blocks.load(Webhook.class, "ops")).isEqualTo(hook);
        assertThat(Blocks.load(Webhook.class, "ops").headers().get("Authorization").reveal()).isEqualTo("Bearer tok-in-a-map");
    }

    @Test
    void anUnknownSlugSaysHowToMakeItKnown() {
        assertThatThrownBy(() -> Blocks.load("no-such-type/x"))
                .isInstanceOf(BlockException.class)
                .hasMessageContaining("no block type with slug 'no-such-type'")
                .hasMessageContaining("class path");
        assertThatThrownBy(() -> Blocks.load("not a reference")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slug/name");
    }

    @Test
    void coreBlockTypesAreFoundWithServiceLoader() {
        assertThat(ServiceLoader.load(BlockTypeProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(CoreBlockTypes.class);
        Blocks.save("ops-log", new LogNotifier("ops"));
        assertThat(Blocks.load("log-notifier/ops-log")).isEqualTo(new LogNotifier("ops"));
    }

    @Test
    void aSlugUsedByTwoClassesIsRejected() {
        @BlockType("test-db")
        record Impostor(String url) implements Block {
        }
        assertThatThrownBy(() -> Blocks.registerType(Impostor.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slug 'test-db' is used by both");
    }

    @Test
    void listAndDelete() {
        Blocks.save("b", new TestDb("u", "a", Secret.of("pw-list")));
        Blocks.save("a", new TestDb("u", "a", Secret.of("pw-list")));
        Blocks.save("a", new AwsCreds("k", Secret.of("pw-list2")));
        assertThat(Blocks.list()).containsExactly(new BlockId("test-aws-credentials", "a"),
                new BlockId("test-db", "a"), new BlockId("test-db", "b"));
        assertThat(Blocks.delete("test-db/a")).isTrue();
        assertThat(Blocks.delete(TestDb.class, "b")).isTrue();
        assertThat(Blocks.delete(TestDb.class, "b")).isFalse();
        assertThat(Blocks.list()).containsExactly(new BlockId("test-aws-credentials", "a"));
    }

    @Test
    void jacksonOutsideTheStoreMasksSecrets() throws Exception {
        TestDb db = new TestDb("jdbc:x", "etl", Secret.of("pw-jackson-visible?"));
        String json = new ObjectMapper().writeValueAsString(db);
        assertThat(json).contains("\"password\":\"**********\"").doesNotContain("pw-jackson-visible");
        assertThat(db.toString()).contains("**********").doesNotContain("pw-jackson-visible");
    }

    @Test
    void theStoreComesFromTheConfiguration() {
        assertThat(BlockStore.fromConfiguration(Map.of("SLUICE_BLOCK_STORE", "memory")).description())
                .isEqualTo("in-memory store");
        assertThat(BlockStore.fromConfiguration(Map.of()).description())
                .startsWith("chain [environment store").contains("file store");
        assertThatThrownBy(() -> BlockStore.fromConfiguration(Map.of("SLUICE_BLOCK_STORE", "env,vault")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown block store 'vault'")
                .hasMessageContaining("[env, file, memory]");
        System.setProperty(BlockStore.STORE_PROPERTY, "env");
        try {
            assertThat(BlockStore.fromConfiguration(Map.of("SLUICE_BLOCK_STORE", "memory")).isWritable()).isFalse();
        } finally {
            System.clearProperty(BlockStore.STORE_PROPERTY);
        }
    }

    @Test
    void aBlockWithANullRequiredFieldIsRefusedWhenSavedNotWhenLoaded() {
        assertThatThrownBy(() -> Blocks.save("no-user", new TestDb("jdbc:h2:mem:x", null, Secret.of("fake-pw"))))
                .isInstanceOf(BlockException.class)
                .hasMessageContaining("'no-user'").hasMessageContaining("required field 'user'")
                .hasMessageNotContaining("fake-pw");
        assertThat(Blocks.list(TestDb.class)).isEmpty();
        Blocks.save("ok", new TestDb("jdbc:h2:mem:x", "etl", Secret.of("fake-pw")));
        assertThatThrownBy(() -> Blocks.save("ok", new TestDb("jdbc:h2:mem:x", "etl", null), true))
                .isInstanceOf(BlockException.class).hasMessageContaining("required field 'password'");
        assertThat(Blocks.load(TestDb.class, "ok").user()).isEqualTo("etl"); // the saved block is left as it was
    }
}
