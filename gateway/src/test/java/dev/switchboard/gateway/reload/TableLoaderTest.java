package dev.switchboard.gateway.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.switchboard.gateway.testing.TestTables;
import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;

/** What the loader makes of the secret files a table names: line breaks refused, except in a PEM read as a file. */
class TableLoaderTest {

    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\nAbCdEf0123456789\n-----END CERTIFICATE-----\n";

    @TempDir
    Path dir;

    @Test
    void aMultiLineRedisCaCertificateIsLoadedWholeWhileAMultiLinePasswordIsRefused() throws Exception {
        Path password = dir.resolve("password");
        Path ca = dir.resolve("ca.crt");
        Files.writeString(password, "first-line\nsecond-line");
        Files.writeString(ca, PEM);
        SecretFile passwordFile = new SecretFile("redis-auth", "password", password.toString());
        SecretFile caFile = new SecretFile("redis-ca", "ca.crt", ca.toString());
        AccessRules access = new AccessRules(AccessRules.OPEN, List.of(), null,
                new AccessRules.RedisStore("rediss://127.0.0.1:6380/0", passwordFile, AccessRules.FAIL_OPEN, "tls", 5000, caFile));
        RoutingTable table = new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "tls"), TestTables.settings(),
                access, List.of(TestTables.simulated("sim")), List.of(TestTables.route("chat", "Weighted", TestTables.target("sim", "m"))));
        TestTables.write(table, dir.resolve("routing"));

        TableLoader.Result result = TableLoader.load(DirectorySnapshot.read(dir.resolve("routing")));

        assertThat(result.ok()).isTrue();
        assertThat(result.table().secret(caFile.path())).isEqualTo(PEM.strip());
        assertThat(result.table().secret(passwordFile.path())).isNull();
        assertThat(result.refusedSecrets()).isEqualTo(1);
        assertThat(result.warnings()).singleElement().asString().contains(password.toString()).doesNotContain("first-line");
    }
}
