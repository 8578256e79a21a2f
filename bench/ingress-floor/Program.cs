// ingress-floor MODE PORT [UPSTREAM]: see the project file. Listens on 127.0.0.1:PORT, HTTP/1.1 only, no logging.
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Yarp.ReverseProxy.Forwarder;

var mode = args[0];
var port = int.Parse(args[1], CultureInfo.InvariantCulture);
var upstream = args.Length > 2 ? new Uri(args[2]) : null;

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http1);
});
if (mode == "yarp")
    builder.Services.AddHttpForwarder();
var app = builder.Build();

// What drover-ingress's upstream handler sets too: no proxy, cookies, redirects or decompression, no trace headers.
using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    UseCookies = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    ActivityHeadersPropagator = null,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
});

switch (mode)
{
    case "static":
        var body = new byte[1024];
        Array.Fill(body, (byte)'x');
        app.Run(context =>
        {
            context.Response.ContentType = "text/plain";
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body).AsTask();
        });
        break;
    case "client":
        app.Run(async context =>
        {
            var request = context.Request;
            using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(upstream!, request.Path + request.QueryString));
            message.Headers.Host = request.Host.Value;
            // HttpMessageInvoker always returns once the headers are in; the body streams below.
            using var response = await invoker.SendAsync(message, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentLength = response.Content.Headers.ContentLength;
            await using var stream = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        break;
    case "yarp":
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var prefix = upstream!.ToString();
        var config = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) };
        app.Run(async context => await forwarder.SendAsync(context, prefix, invoker, config));
        break;
    default:
        Console.Error.WriteLine($"ingress-floor: MODE must be static, client or yarp, got '{mode}'");
        return 2;
}
await app.RunAsync();
return 0;
