package io.c360.neo4j;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

import sun.misc.Signal;

/**
 * Runs Neo4j Community embedded, in this JVM, with only the Bolt connector open, so the
 * c360 gateway (and its tests) get a real Neo4j without Docker or a server install.
 *
 * <p>Protocol on stdout (the only thing this process writes there; Neo4j's own logs go to
 * files under the data dir):
 * <ul>
 *   <li>{@code C360_NEO4J_READY bolt://HOST:PORT} once the default database accepts work;</li>
 *   <li>{@code C360_NEO4J_STOPPED} after a clean shutdown (SIGTERM/SIGINT, exit code 0);</li>
 *   <li>{@code C360_NEO4J_FAILED <root cause>} if startup fails (exit code 1).</li>
 * </ul>
 */
public final class Launcher {

    /** How long to wait for the default database once the DBMS is up. */
    private static final Duration DB_AVAILABLE_TIMEOUT = Duration.ofSeconds(60);

    // stdout is our machine-readable protocol channel: keep a handle to the original
    // stream so that nothing else redirected through System.out can interleave with it.
    private static final PrintStream OUT = System.out;

    private static final Object STOP_LOCK = new Object();
    private static DatabaseManagementService service;
    private static boolean stopped;

    private Launcher() {}

    public static void main(String[] args) {
        Path dataDir = Path.of(env("C360_NEO4J_DATA_DIR", "./.data/neo4j")).toAbsolutePath().normalize();
        String host = env("C360_NEO4J_BOLT_HOST", "127.0.0.1");
        int port;
        long pageCache;
        long txMemory;
        try {
            port = Integer.parseInt(env("C360_NEO4J_BOLT_PORT", "7687"));
            pageCache = ByteUnit.parse(env("C360_NEO4J_PAGECACHE", "256m"));
            txMemory = ByteUnit.parse(env("C360_NEO4J_TX_MEMORY", "256m"));
        } catch (RuntimeException e) {
            fail("bad configuration: " + e.getMessage(), e);
            return;
        }

        // Handle TERM/INT ourselves instead of relying on a shutdown hook alone: a JVM that
        // dies from SIGTERM exits with 143 even if every hook succeeds, while the caller
        // wants "stopped cleanly" to mean exit code 0. The handler only wakes main, which
        // shuts Neo4j down and then exits normally. sun.misc.Signal lives in jdk.unsupported,
        // which JEP 260 keeps accessible for exactly this; javac warns about it regardless.
        // A signal that the parent set to "ignored" (e.g. SIGINT for `cmd &` in a script)
        // stays ignored: the JVM does not install a handler over SIG_IGN.
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String sig : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(sig), s -> stopRequested.countDown());
        }
        // Safety net for every other exit path (SIGHUP, System.exit elsewhere): the store
        // must be closed properly or the next start has to run recovery.
        Runtime.getRuntime().addShutdownHook(new Thread(Launcher::stop, "c360-neo4j-shutdown"));

        SocketAddress bolt = new SocketAddress(host, port);
        try {
            DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(dataDir)
                    // Embedded Neo4j opens no connector by default; Bolt is what the gateway speaks.
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, bolt)
                    .setConfig(BoltConnector.advertised_address, bolt)
                    // Loopback-only dev/test database: no TLS, no auth (drivers then accept
                    // any basic credentials).
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    .setConfig(GraphDatabaseSettings.auth_enabled, false)
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    // Unset, the page cache sizes itself from machine RAM (half of it) —
                    // far too much next to the gateway and its tests.
                    .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                    .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, txMemory)
                    // Don't reserve 256 MiB transaction log files up front, and keep only a
                    // couple of them: this is a small, disposable store.
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                    .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(64))
                    // No usage reporting to Neo4j's servers (and no network attempts offline).
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    // Netty's default 5 s "quiet period" is paid twice (boss and worker event
                    // loops), so every stop — and every failed start, which shuts down what it
                    // opened — took ~10 s longer. Open connections are closed by Neo4j before
                    // the loops stop, so no grace is lost that a dev/test database needs.
                    // Internal setting: re-check its name when bumping the Neo4j version.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .build();
            synchronized (STOP_LOCK) {
                service = dbms;
            }
            // build() returns once the DBMS is started, but the default database may still be
            // starting or may have failed on its own; READY must mean "queries will work".
            String dbName = GraphDatabaseSettings.DEFAULT_DATABASE_NAME;
            if (!dbms.database(dbName).isAvailable(DB_AVAILABLE_TIMEOUT.toMillis())) {
                throw new IllegalStateException("database '" + dbName + "' not available after "
                        + DB_AVAILABLE_TIMEOUT.toSeconds() + "s (see " + dataDir.resolve("logs") + ")");
            }
        } catch (Throwable e) {
            stop(false);
            fail(rootCauseMessage(e), e);
            return;
        }

        if (stopRequested.getCount() > 0) { // no READY if we were told to stop while starting
            OUT.println("C360_NEO4J_READY bolt://" + host + ":" + port);
            OUT.flush();
        }

        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop();
        System.exit(0);
    }

    private static void stop() {
        stop(true);
    }

    /** Idempotent: called from main after a signal and again from the shutdown hook. */
    private static void stop(boolean announce) {
        synchronized (STOP_LOCK) {
            if (stopped) {
                return;
            }
            stopped = true;
            if (service == null) {
                return;
            }
            try {
                service.shutdown();
            } catch (Throwable e) {
                System.err.println("c360-neo4j: error during shutdown");
                e.printStackTrace();
            }
            if (announce) {
                OUT.println("C360_NEO4J_STOPPED");
                OUT.flush();
            }
        }
    }

    private static void fail(String message, Throwable e) {
        // Full trace to stderr for humans; a single line on stdout for the parent process.
        e.printStackTrace();
        OUT.println("C360_NEO4J_FAILED " + message.replaceAll("\\s+", " ").trim());
        OUT.flush();
        // halt, not exit: the shutdown hook has nothing to do, and a half-started Neo4j may
        // have left non-daemon threads that would keep a normal exit waiting.
        Runtime.getRuntime().halt(1);
    }

    /**
     * The root cause, which is what names the real problem ("Lock file has been locked by
     * another process: ..."). When the exception just above it adds context the root lacks
     * (a bind error's root cause doesn't say which address), that is appended in brackets.
     */
    private static String rootCauseMessage(Throwable e) {
        Throwable parent = null;
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            parent = root;
            root = root.getCause();
        }
        String rootMsg = describe(root);
        if (parent != null && parent.getMessage() != null && root.getMessage() != null
                && !parent.getMessage().contains(root.getMessage())) {
            return rootMsg + " (" + describe(parent) + ")";
        }
        return rootMsg;
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + ": " + (t.getMessage() == null ? "(no message)" : t.getMessage());
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
