package hmkg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Server runs an embedded Neo4j Community DBMS with the Bolt connector on
 * 127.0.0.1 and authentication on, until it is sent SIGTERM or SIGINT.
 *
 * <p>Usage: Server HOME PORT READY_FILE. The password of user neo4j is read
 * from the environment variable HMKG_NEO4J_PASSWORD so that it never shows
 * in the process list. READY_FILE is written once Bolt accepts logins.
 */
public final class Server {
    private Server() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Server HOME PORT READY_FILE");
            System.exit(2);
        }
        Path home = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        Path ready = Path.of(args[2]);
        String password = System.getenv("HMKG_NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("HMKG_NEO4J_PASSWORD must hold at least 8 characters");
            System.exit(2);
        }
        String pageCache = System.getenv().getOrDefault("HMKG_NEO4J_PAGECACHE", "256m");

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pageCache))
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ZERO)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("hmkg-neo4j: shutting down");
            dbms.shutdown();
            stopped.countDown();
        }, "hmkg-neo4j-shutdown"));

        // The embedded API bypasses authentication, so it can give the
        // built-in user its password (again, after a restart on the same data).
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            // A restart on the same data finds the password already set.
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            }
        }

        writeAtomically(ready, "bolt://127.0.0.1:" + port + "\n");
        System.err.println("hmkg-neo4j: ready on bolt://127.0.0.1:" + port);
        stopped.await();
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
