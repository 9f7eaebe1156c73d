package io.supervisorkafka.schemas.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Asks the cluster for its description once, before a command starts its real clients, so that a wrong address or
 * refused credentials are one line and a non-zero exit rather than a screen of retry warnings or a silent wait.
 */
public final class BrokerCheck {
    private BrokerCheck() {
    }

    /** Why the cluster cannot be used, in one line. */
    public static final class BrokerUnreachableException extends RuntimeException {
        public BrokerUnreachableException(String message) {
            super(message);
        }
    }

    /**
     * Returns when a broker at {@code bootstrap.servers} of {@code clientProperties} answered within {@code timeout};
     * otherwise throws {@link BrokerUnreachableException} saying why.
     */
    public static void requireReachable(Map<String, ?> clientProperties, Duration timeout) {
        Map<String, Object> properties = new HashMap<>(clientProperties);
        Object servers = properties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "supervisor-kafka-broker-check");
        try (Admin admin = Admin.create(properties)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).clusterId()
                    .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw explain(servers, timeout, e.getCause(), KafkaRefusal.principal(properties));
        } catch (TimeoutException e) {
            throw explain(servers, timeout, e, KafkaRefusal.principal(properties));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnreachableException("interrupted while asking the Kafka brokers at " + servers);
        } catch (org.apache.kafka.common.KafkaException e) {
            // Admin.create refuses an unusable configuration (an unresolvable host, a bad security setting).
            throw new BrokerUnreachableException("cannot use the Kafka brokers at " + servers + ": "
                    + KafkaRefusal.firstLine(e.getCause() == null ? e : e.getCause()));
        }
    }

    private static BrokerUnreachableException explain(Object servers, Duration timeout, Throwable cause,
                                                      String principal) {
        if (cause instanceof AuthenticationException) {
            // The principal, never the password: the operator sees which credentials to fix.
            return new BrokerUnreachableException("the Kafka brokers at " + servers + " refused the credentials of "
                    + principal + ": " + KafkaRefusal.firstLine(cause));
        }
        if (cause instanceof AuthorizationException) {
            return new BrokerUnreachableException("the Kafka brokers at " + servers + " refused access to "
                    + principal + ": " + KafkaRefusal.firstLine(cause));
        }
        return new BrokerUnreachableException("no Kafka broker answered at " + servers + " within "
                + timeout.toSeconds() + " s");
    }
}
