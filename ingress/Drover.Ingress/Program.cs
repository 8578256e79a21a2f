using System.CommandLine;
using Drover.Api.Client;
using Drover.Ingress;
using Drover.Ingress.Config;

var config = new Option<string?>("--config") { Description = $"Client config with droverd's CA and the ingress credential (droverd writes DATA/ingress.config); default ${ClientSettings.EnvironmentVariable}, then ~/.drover/config." };
var server = new Option<string?>("--server") { Description = "droverd's URL, overriding the client config's (e.g. https://10.0.0.1:6443)." };
var bindAddress = new Option<string>("--bind-address") { Description = "Address the HTTP and HTTPS listeners bind.", DefaultValueFactory = _ => "0.0.0.0" };
var httpPort = new Option<string>("--http-port") { Description = "Plain HTTP port.", DefaultValueFactory = _ => "80" };
var httpsPort = new Option<string>("--https-port") { Description = "HTTPS port (certificates from the ingresses' spec.tls Secrets, chosen by SNI); 0 turns it off.", DefaultValueFactory = _ => "443" };
var ingressClass = new Option<string>("--ingress-class") { Description = "The IngressClass served; class-less ingresses too when that IngressClass is the cluster default.", DefaultValueFactory = _ => "drover" };
var metricsAddr = new Option<string>("--metrics-addr") { Description = "HOST:PORT of /metrics and /healthz, or off.", DefaultValueFactory = _ => "127.0.0.1:10254" };
var publishAddress = new Option<string?>("--publish-address") { Description = "IP written into status.loadBalancer of the ingresses served (default: the bind address, else this host's first IPv4); \"\" writes none." };
var upstreamTimeout = new Option<string>("--upstream-timeout") { Description = "How long to wait for a backend's next bytes (e.g. 60s).", DefaultValueFactory = _ => "60s" };
var connectTimeout = new Option<string>("--connect-timeout") { Description = "How long to wait for a connection to a backend (e.g. 5s).", DefaultValueFactory = _ => "5s" };
var unacknowledgedTimeout = new Option<string>("--unacknowledged-timeout") { Description = "How long bytes sent to a backend, its connect included, may go unacknowledged before the connection counts as dead, as does one whose answer is awaited and that hears nothing, keep-alive probes included, for that long; a request without a body is then tried on another address (e.g. 2s).", DefaultValueFactory = _ => "2s" };
var failTimeout = new Option<string>("--fail-timeout") { Description = "How long a backend address that failed stays out of rotation (e.g. 10s).", DefaultValueFactory = _ => "10s" };

var root = new RootCommand("drover-ingress: serves Ingress objects through YARP (host/path routing to ready endpoints, TLS by SNI, live reconfiguration).")
{
    config, server, bindAddress, httpPort, httpsPort, ingressClass, metricsAddr, publishAddress, upstreamTimeout, connectTimeout, unacknowledgedTimeout, failTimeout,
};
root.SetAction(async (parse, ct) =>
{
    IngressOptions options;
    try
    {
        var http = CommandLineValues.Port("--http-port", parse.GetValue(httpPort), allowZero: false);
        var https = CommandLineValues.Port("--https-port", parse.GetValue(httpsPort), allowZero: true);
        var metrics = CommandLineValues.EndPointOrOff("--metrics-addr", parse.GetValue(metricsAddr));
        var className = parse.GetValue(ingressClass);
        if (string.IsNullOrWhiteSpace(className))
            throw new IngressOptionsException($"--ingress-class: \"{className}\" is not a class name");
        if (http == https)
            throw new IngressOptionsException($"--http-port and --https-port: both are {http}");
        if (metrics is not null && (metrics.Port == http || metrics.Port == https))
            throw new IngressOptionsException($"--metrics-addr: \"{parse.GetValue(metricsAddr)}\" uses the port of --http-port or --https-port");
        var publish = parse.GetValue(publishAddress);
        if (!string.IsNullOrEmpty(publish))
            CommandLineValues.Address("--publish-address", publish);
        options = new IngressOptions
        {
            ConfigPath = ClientSettings.ResolvePath(parse.GetValue(config)),
            Server = parse.GetValue(server) is { } url ? CommandLineValues.Url("--server", url) : null,
            BindAddress = CommandLineValues.Address("--bind-address", parse.GetValue(bindAddress)),
            HttpPort = http,
            HttpsPort = https,
            IngressClass = className,
            MetricsEndpoint = metrics,
            PublishAddress = publish,
            UpstreamTimeout = CommandLineValues.PositiveDuration("--upstream-timeout", parse.GetValue(upstreamTimeout)),
            ConnectTimeout = CommandLineValues.PositiveDuration("--connect-timeout", parse.GetValue(connectTimeout)),
            UnacknowledgedTimeout = CommandLineValues.PositiveDuration("--unacknowledged-timeout", parse.GetValue(unacknowledgedTimeout)),
            FailTimeout = CommandLineValues.PositiveDuration("--fail-timeout", parse.GetValue(failTimeout)),
        };
    }
    catch (IngressOptionsException e)
    {
        await Console.Error.WriteLineAsync("drover-ingress: " + e.Message).ConfigureAwait(false);
        return 2;
    }
    return await IngressHost.RunAsync(options, ct).ConfigureAwait(false);
});
// System.CommandLine force-exits 2 s after SIGTERM by default, cutting requests that the host's graceful
// shutdown would still let finish: it gets the shutdown timeout and a margin to close the listeners.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = IngressOptions.DefaultShutdownTimeout + TimeSpan.FromSeconds(5) };
return await root.Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
