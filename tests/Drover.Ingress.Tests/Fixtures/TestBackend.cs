using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Drover.Ingress.Testing;

/// <summary>
/// A real HTTP server (Kestrel) that says who it is and what it received: "backend=NAME path=… host=…
/// xff=… proto=… xfh=…". /echo streams the request body back, /ws echoes WebSocket messages,
/// /slow?ms=N answers after N ms, /stall?ms=N sends its headers at once and its body after N ms, /held answers once
/// the test calls <see cref="ReleaseHeld"/> (a request kept in flight for as long as the test needs, whatever the load),
/// and /stall?held sends its headers at once and its body then.
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly int[] _requests;
    private readonly TaskCompletionSource _held;

    private TestBackend(string name, WebApplication app, int port, int[] requests, TaskCompletionSource held)
    {
        Name = name;
        _app = app;
        Port = port;
        _requests = requests;
        _held = held;
    }

    public string Name { get; }
    public int Port { get; }
    public int Requests => Volatile.Read(ref _requests[0]);

    /// <summary>Lets every /held request (waiting or still to come) answer.</summary>
    public void ReleaseHeld() => _held.TrySetResult();

    public static async Task<TestBackend> StartAsync(string name, IPAddress address)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, 0));
        var app = builder.Build();
        var requests = new int[1];
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.UseWebSockets();
        app.Run(async context =>
        {
            Interlocked.Increment(ref requests[0]);
            var request = context.Request;
            if (request.Path == "/ws" && context.WebSockets.IsWebSocketRequest)
            {
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                var buffer = new byte[4096];
                while (true)
                {
                    var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                        return;
                    }
                    await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, CancellationToken.None);
                }
            }
            if (request.Path == "/echo")
            {
                // Read the whole body before answering: echoing while still reading deadlocks once the client
                // (which sends the whole request before it reads the response) and the socket buffers are full,
                // which depends on timing and made the test flaky at high load.
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                context.Response.ContentLength = body.Length;
                await context.Response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length));
                return;
            }
            if (request.Path == "/slow" && int.TryParse(request.Query["ms"], out var ms))
                await Task.Delay(ms);
            if (request.Path == "/held")
                await held.Task;
            if (request.Path == "/stall" && (request.Query.ContainsKey("held") || int.TryParse(request.Query["ms"], out _)))
            {
                await context.Response.StartAsync();
                await context.Response.Body.FlushAsync();
                if (request.Query.ContainsKey("held"))
                    await held.Task;
                else
                    await Task.Delay(int.Parse(request.Query["ms"]!, CultureInfo.InvariantCulture));
            }
            await context.Response.WriteAsync(
                $"backend={name} path={request.Path}{request.QueryString} host={request.Headers.Host} xff={request.Headers["X-Forwarded-For"]} proto={request.Headers["X-Forwarded-Proto"]} xfh={request.Headers["X-Forwarded-Host"]}");
        });
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;
        return new TestBackend(name, app, port, requests, held);
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseHeld();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
