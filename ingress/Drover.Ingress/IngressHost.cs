using System.Net;
using System.Net.Security;
using Drover.Api.Client;
using Drover.Api.Runtime;
using Drover.Ingress.Config;
using Drover.Ingress.Metrics;
using Drover.Ingress.Proxy;
using Drover.Ingress.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Prometheus;
using Yarp.ReverseProxy.Forwarder;

namespace Drover.Ingress;

/// <summary>
/// Wires drover-ingress: watches → snapshots → Kestrel listeners (HTTP, HTTPS with SNI from the snapshot,
/// metrics) → the proxy. Listening starts only once the first snapshot is built.
/// </summary>
public static partial class IngressHost
{
    private static readonly List<SslApplicationProtocol> Alpn = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    public static async Task<int> RunAsync(IngressOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var time = TimeProvider.System;
        ClientSettings settings;
        try
        {
            settings = ClientSettings.Load(options.ConfigPath);
        }
        catch (ClientConfigException e)
        {
            await Console.Error.WriteLineAsync($"drover-ingress: --config: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        if (options.Server is { } server)
            settings = settings with { Server = server };

        IngressMetrics.ConfigureDefaults();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        // Nothing logs per request: Kestrel, hosting and YARP only speak up for warnings.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);

        var source = new ProxyConfigSource();
        var fallback = FallbackCertificate.Create(time);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Bodies stream through; limits and timeouts are the backend's business and the upstream timeout's.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Listen(options.BindAddress, options.HttpPort, listen => listen.Protocols = HttpProtocols.Http1);
            if (options.HttpsPort > 0)
            {
                kestrel.Listen(options.BindAddress, options.HttpsPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(new TlsHandshakeCallbackOptions
                    {
                        // The certificate context comes from the snapshot current at the handshake, so a new or
                        // renewed Secret is served from the next connection on, without a restart.
                        OnConnection = context => ValueTask.FromResult(new SslServerAuthenticationOptions
                        {
                            ServerCertificateContext = (source.Current?.Certificates.Select(context.ClientHelloInfo.ServerName) ?? fallback).Context,
                            ApplicationProtocols = Alpn,
                        }),
                    });
                });
            }
            if (options.MetricsEndpoint is { } metrics)
                kestrel.Listen(metrics, listen => listen.Protocols = HttpProtocols.Http1);
        });

        var services = builder.Services;
        services.AddHttpForwarder();
        services.AddSingleton(options);
        services.AddSingleton(time);
        services.AddSingleton(source);
        services.AddSingleton(new IngressMetrics(Prometheus.Metrics.DefaultRegistry));
        services.AddSingleton(_ => new DroverClient(settings));
        services.AddSingleton(_ => UpstreamClient.Create(options));
        services.AddSingleton<IngressProxy>();

        await using var app = builder.Build();
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggers.CreateLogger("drover-ingress");
        var ingressMetrics = app.Services.GetRequiredService<IngressMetrics>();
        var client = app.Services.GetRequiredService<DroverClient>();
        var publish = options.PublishAddress ?? PublishAddress.Detect(options.BindAddress);
        var status = new IngressStatusWriter(client, publish.Length == 0 ? null : publish, loggers.CreateLogger<IngressStatusWriter>());
        var configBuilder = new ProxyConfigBuilder(options.IngressClass, new DestinationRegistry(), new CertificateCache(), ingressMetrics, fallback);
        var updater = new ConfigUpdater(client, options, configBuilder, source, status, ingressMetrics, time, loggers);

        var proxy = app.Services.GetRequiredService<IngressProxy>();
        var metricsPort = options.MetricsEndpoint?.Port ?? -1;
        var registry = ingressMetrics.Registry;
        app.Run(context => context.Connection.LocalPort == metricsPort ? ServeOpsAsync(context, source, registry) : proxy.InvokeAsync(context));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var updating = Task.Run(() => updater.RunAsync(stop.Token), stop.Token);
        // After a burst of connections or of large objects the memory comes back once the proxy is quiet again.
        var reclaimer = new MemoryReclaimer(time, MemoryReading.Current, MemoryReclaimer.CollectAndTrim)
        {
            Reclaimed = (before, after) => LogReclaimed(logger, before.ResidentBytes >> 20, after.ResidentBytes >> 20),
        };
        var reclaiming = Task.Run(() => reclaimer.RunAsync(stop.Token), stop.Token);
        LogWaiting(logger, settings.Server.ToString(), options.IngressClass);
        try
        {
            await updater.Ready.WaitAsync(ct).ConfigureAwait(false);
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            return 0;
        }
        catch (IOException e)
        {
            // Kestrel reports a port in use or not permitted as an IOException.
            LogListenFailed(logger, e.Message);
            await stop.CancelAsync().ConfigureAwait(false);
            return 1;
        }
        LogListening(logger, options.BindAddress.ToString(), options.HttpPort, options.HttpsPort, options.MetricsEndpoint?.ToString() ?? "off", publish);
        await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await updating.ConfigureAwait(false);
        await reclaiming.ConfigureAwait(false);
        return 0;
    }

    /// <summary>/metrics and /healthz, on the metrics address only.</summary>
    private static Task ServeOpsAsync(HttpContext context, ProxyConfigSource source, CollectorRegistry registry)
    {
        var path = context.Request.Path;
        if (path == "/metrics")
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            return registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        }
        if (path == "/healthz")
        {
            var ready = source.Current is not null;
            context.Response.StatusCode = ready ? 200 : 503;
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync(ready ? "ok" : "configuration not loaded");
        }
        context.Response.StatusCode = 404;
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "drover-ingress: loading ingresses of class {IngressClass} from {Server}")]
    private static partial void LogWaiting(ILogger logger, string server, string ingressClass);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "drover-ingress serving http on {Address}:{HttpPort}, https on port {HttpsPort} (0 = off), metrics on {Metrics}; publishing {Publish} in ingress status")]
    private static partial void LogListening(ILogger logger, string address, int httpPort, int httpsPort, string metrics, string publish);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "drover-ingress cannot listen: {Reason}")]
    private static partial void LogListenFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "drover-ingress gave memory back after a burst: RSS {BeforeMiB} MiB -> {AfterMiB} MiB")]
    private static partial void LogReclaimed(ILogger logger, long beforeMiB, long afterMiB);
}
