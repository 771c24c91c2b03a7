package lede.opensearch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node in this JVM, for lede's tests (started by tests/opensearch/cluster).
 *
 * <p>The distribution loads its modules from a modules/ folder; here the two lede needs are on
 * the classpath and handed to {@link Node} directly, as OpenSearch's own test framework does
 * (MockNode): transport-netty4 for HTTP and node-to-node transport, analysis-common for
 * word_delimiter_graph, snowball, stop, asciifolding and path_hierarchy.
 *
 * <p>Arguments are settings, {@code key=value} each (e.g. {@code http.port=9200}). The node runs
 * until the process is told to stop (SIGTERM closes it cleanly) or is killed.
 */
public final class LedeNode extends Node {

    static final List<Class<? extends Plugin>> PLUGINS = List.of(Netty4Plugin.class, CommonAnalysisPlugin.class);

    /** Log lines to the console; the cluster script sends this process's output to a file. */
    static final String LOG4J2_PROPERTIES = String.join("\n",
        "status = error",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n",
        "rootLogger.level = info",
        "rootLogger.appenderRef.console.ref = console",
        "");

    LedeNode(Environment environment) {
        super(environment, PLUGINS, true); // forbid private index settings, as a real node does
    }

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                System.err.println("lede-node: expected key=value, got: " + arg);
                System.exit(2);
            }
            builder.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Settings settings = builder.build();

        // The config folder holds only the logging configuration, written here.
        Path config = Path.of(settings.get("path.home"), "config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("log4j2.properties"), LOG4J2_PROPERTIES);
        Environment environment =
            InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), config, () -> settings.get("node.name"));
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName(settings.get("node.name", "node"));
        LogConfigurator.configure(environment);

        Node node = new LedeNode(environment);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "lede-node-shutdown"));
        node.start();
        // The node's own threads are daemons; this one keeps the JVM alive until shutdown.
        Thread keepAlive = new Thread(() -> {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lede-node-keepalive");
        keepAlive.setDaemon(false);
        keepAlive.start();
    }
}
