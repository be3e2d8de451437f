package dev.sluice.internal.blocks;

import dev.sluice.testkit.TestRuntimes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.BlockException;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.testkit.BlockStoreContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlockStoreTest extends BlockStoreContract {
    @TempDir
    Path home;

    @Override
    protected BlockStore newStore() {
        return BlockStore.file(home, Map.of());
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private Path fileOf(String type, String name) {
        return home.resolve("blocks").resolve(type).resolve(name + ".json");
    }

    @Test
    void secretsAreEncryptedAtRestAndTheKeyFileIsOwnerOnly() throws Exception {
        BlockStore store = newStore();
        store.write(db("prod"), dbDocument("etl", "Sup3r-S3cret-at-rest"), false);
        String onDisk = Files.readString(fileOf("contract-database", "prod"));
        assertThat(onDisk).doesNotContain("Sup3r-S3cret-at-rest").contains("$encrypted").contains("\"keyId\"")
                .contains("\"etl\"");
        Path key = home.resolve("master.key");
        assertThat(key).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fileOf("contract-database", "prod"))))
                .isEqualTo("rw-------");
        assertThat(tree(store.read(db("prod")).orElseThrow()).path("password").path("$secret").asText())
                .isEqualTo("Sup3r-S3cret-at-rest");
    }

    @Test
    void aBlockWithoutSecretsNeedsNoKey() {
        BlockStore store = newStore();
        store.write(db("plain"), "{\"url\":\"jdbc:h2:mem:x\",\"user\":\"a\",\"poolSize\":1}", false);
        assertThat(home.resolve("master.key")).doesNotExist();
        assertThat(store.read(db("plain"))).isPresent();
    }

    @Test
    void theKeyFromTheEnvironmentIsUsedAndNoKeyFileIsWritten() {
        String key = newKey();
        BlockStore store = BlockStore.file(home, Map.of("SLUICE_MASTER_KEY", key));
        store.write(db("env-key"), dbDocument("etl", "pw-env-key"), false);
        assertThat(home.resolve("master.key")).doesNotExist();
        assertThat(BlockStore.file(home, Map.of("SLUICE_MASTER_KEY", key)).read(db("env-key"))).isPresent();
    }

    @Test
    void aWrongKeyIsAClearError() {
        BlockStore saving = BlockStore.file(home, Map.of("SLUICE_MASTER_KEY", newKey()));
        saving.write(db("prod"), dbDocument("etl", "pw-wrong-key"), false);
        BlockStore reading = BlockStore.file(home, Map.of("SLUICE_MASTER_KEY", newKey()));
        assertThatThrownBy(() -> reading.read(db("prod")))
                .isInstanceOf(BlockException.class)
                .hasMessageContaining("contract-database/prod")
                .hasMessageContaining("saved with master key id")
                .hasMessageContaining("SLUICE_MASTER_KEY")
                .hasMessageNotContaining("pw-wrong-key");
    }

    @Test
    void aMalformedMasterKeyIsAClearError() {
        BlockStore store = BlockStore.file(home, Map.of("SLUICE_MASTER_KEY", "too-short"));
        assertThatThrownBy(() -> store.write(db("x"), dbDocument("etl", "pw"), false))
                .isInstanceOf(BlockException.class)
                .hasMessageContaining("SLUICE_MASTER_KEY")
                .hasMessageContaining("32 random bytes in base64")
                .hasMessageNotContaining("too-short");
    }

    @Test
    void aMissingMasterKeyIsAClearErrorAndNoNewKeyIsMadeUp() throws Exception {
        BlockStore store = newStore();
        store.write(db("prod"), dbDocument("etl", "pw-missing-key"), false);
        Files.delete(home.resolve("master.key"));
        assertThatThrownBy(() -> store.read(db("prod")))
                .isInstanceOf(BlockException.class)
                .hasMessageContaining("no master key")
                .hasMessageContaining("SLUICE_MASTER_KEY is not set")
                .hasMessageContaining("master.key");
        assertThat(home.resolve("master.key")).doesNotExist();
    }

    @Test
    void tamperedCiphertextIsDetected() throws Exception {
        BlockStore store = newStore();
        store.write(db("prod"), dbDocument("etl", "pw-tamper"), false);
        Path file = fileOf("contract-database", "prod");
        String text = Files.readString(file);
        int at = text.indexOf("\"$encrypted\" : \"") + "\"$encrypted\" : \"".length() + 20;
        char flipped = text.charAt(at) == 'A' ? 'B' : 'A';
        Files.writeString(file, text.substring(0, at) + flipped + text.substring(at + 1));
        assertThatThrownBy(() -> store.read(db("prod")))
                .isInstanceOf(BlockException.class)
                .hasMessageContaining("secret field 'password'")
                .hasMessageContaining("altered or is corrupt");
    }

    @Test
    void aCiphertextMovedToAnotherBlockIsDetected() throws Exception {
        BlockStore store = newStore();
        store.write(db("one"), dbDocument("etl", "pw-one"), false);
        store.write(db("two"), dbDocument("etl", "pw-two"), false);
        String one = Files.readString(fileOf("contract-database", "one"));
        String two = Files.readString(fileOf("contract-database", "two"));
        String sealedOne = one.replaceAll("(?s).*\"\\$encrypted\" : \"([^\"]+)\".*", "$1");
        Files.writeString(fileOf("contract-database", "two"), two.replaceAll("\"\\$encrypted\" : \"[^\"]+\"",
                "\"\\$encrypted\" : \"" + sealedOne + "\""));
        assertThatThrownBy(() -> store.read(db("two"))).isInstanceOf(BlockException.class)
                .hasMessageContaining("altered or is corrupt");
    }

    @Test
    void aMalformedJsonFileIsAClearErrorWithoutItsContent() throws Exception {
        Path file = fileOf("contract-database", "broken");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"format\":1,\"data\":{\"user\":\"etl\",\"password\": hunter2-plain", StandardCharsets.UTF_8);
        BlockStore store = newStore();
        assertThatThrownBy(() -> store.read(db("broken")))
                .isInstanceOf(BlockException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not valid JSON at line 1")
                .hasMessageNotContaining("hunter2");
        assertThat(store.list()).contains(db("broken"));
    }

    @Test
    void aFileMovedToAnotherNameIsAClearError() throws Exception {
        BlockStore store = newStore();
        store.write(db("original"), dbDocument("etl", "pw"), false);
        Files.copy(fileOf("contract-database", "original"), fileOf("contract-database", "copy"));
        assertThatThrownBy(() -> store.read(db("copy"))).isInstanceOf(BlockException.class)
                .hasMessageContaining("holds block 'contract-database/original'");
    }

    @Test
    void concurrentSavesThroughBlocksLeaveOneIntactFile() throws Exception {
        TestRuntimes.use(b -> b.blockStore(newStore()));
        List<String> outcomes = race(6, i -> {
            try {
                Blocks.save("race", new ContractDatabase("jdbc:h2:mem:" + i, "u" + i, Secret.of("pw-race-" + i), i + 1));
                return "saved";
            } catch (dev.sluice.block.BlockExistsException e) {
                return "exists";
            }
        });
        assertThat(outcomes).containsOnlyOnce("saved");
        int winner = outcomes.indexOf("saved");
        ContractDatabase loaded = Blocks.load(ContractDatabase.class, "race");
        assertThat(loaded.user()).isEqualTo("u" + winner);
        assertThat(loaded.password().reveal()).isEqualTo("pw-race-" + winner);
        try (Stream<Path> files = Files.list(fileOf("contract-database", "race").getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("race.json");
        }
    }

    @Test
    void theHomeIsResolvedOnEachCallByTheDefaultStore() {
        String before = System.getProperty("sluice.home");
        System.setProperty("sluice.home", home.toString());
        try {
            BlockStore store = BlockStore.file();
            store.write(db("via-home"), "{\"url\":\"u\",\"user\":\"a\",\"poolSize\":1}", false);
            assertThat(fileOf("contract-database", "via-home")).exists();
            assertThat(store.description()).contains(home.toString());
        } finally {
            if (before == null) {
                System.clearProperty("sluice.home");
            } else {
                System.setProperty("sluice.home", before);
            }
        }
    }
}
