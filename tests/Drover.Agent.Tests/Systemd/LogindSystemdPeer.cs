using System.IO.Pipes;
using Tmds.DBus.Protocol;

namespace Drover.Agent.Systemd.Tests;

/// <summary>
/// The test peer on the private bus: owns org.freedesktop.login1 and org.freedesktop.systemd1 and answers
/// the members the agent uses — login1.Manager.Inhibit (a real descriptor: the write end of a pipe, so the
/// test sees the moment the agent closes it), the InhibitDelayMaxUSec property, the PrepareForShutdown
/// signal; systemd1.Manager.GetUnit/LoadUnit and the unit's LoadState/ActiveState/SubState. Written with
/// Tmds.DBus.Protocol, as the agent is, but speaking to it only through dbus-daemon.
/// </summary>
internal sealed class LogindSystemdPeer : IDisposable
{
    public const string UnitPath = "/org/freedesktop/systemd1/unit/containerd_2eservice";

    private readonly DBusConnection _connection;
    private readonly List<InhibitorLock> _locks = [];

    private LogindSystemdPeer(DBusConnection connection) => _connection = connection;

    public ulong InhibitDelayMaxUSec { get; set; } = 5_000_000;

    public (string Load, string Active, string Sub) ContainerdState { get; set; } = ("loaded", "active", "running");

    public IReadOnlyList<InhibitorLock> Locks
    {
        get
        {
            lock (_locks)
                return [.. _locks];
        }
    }

    public static async Task<LogindSystemdPeer> StartAsync(string address)
    {
        var connection = new DBusConnection(address);
        await connection.ConnectAsync();
        var peer = new LogindSystemdPeer(connection);
        connection.AddMethodHandler(new Handler("/org/freedesktop/login1", false, peer.HandleLogindAsync));
        connection.AddMethodHandler(new Handler("/org/freedesktop/systemd1", true, peer.HandleSystemdAsync));
        await connection.RequestNameAsync("org.freedesktop.login1", RequestNameOptions.Default);
        await connection.RequestNameAsync("org.freedesktop.systemd1", RequestNameOptions.Default);
        return peer;
    }

    /// <summary>Broadcasts login1.Manager.PrepareForShutdown(<paramref name="active"/>), as logind does when a shutdown begins or is cancelled.</summary>
    public void PrepareForShutdown(bool active)
    {
        using var writer = _connection.GetMessageWriter();
        writer.WriteSignalHeader(null, "/org/freedesktop/login1", "org.freedesktop.login1.Manager", "PrepareForShutdown", "b");
        writer.WriteBool(active);
        if (!_connection.TrySendMessage(writer.CreateMessage()))
            throw new InvalidOperationException("the peer could not send PrepareForShutdown");
    }

    private ValueTask HandleLogindAsync(MethodContext context)
    {
        var request = context.Request;
        switch (request.InterfaceAsString, request.MemberAsString)
        {
            case ("org.freedesktop.login1.Manager", "Inhibit"):
            {
                var reader = request.GetBodyReader();
                var (what, who, why, mode) = (reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadString());
                var pipe = new AnonymousPipeServerStream(PipeDirection.In, System.IO.HandleInheritability.None);
                var inhibitor = new InhibitorLock(what, who, why, mode, pipe);
                lock (_locks)
                    _locks.Add(inhibitor);
                using var writer = context.CreateReplyWriter("h");
                writer.WriteHandle(pipe.ClientSafePipeHandle);
                context.Reply(writer.CreateMessage());
                // Our copy of the write end goes once it is sent, so the pipe reads EOF when the agent closes its own.
                inhibitor.DropPeerCopy();
                break;
            }
            case ("org.freedesktop.DBus.Properties", "Get"):
            {
                var reader = request.GetBodyReader();
                var (iface, property) = (reader.ReadString(), reader.ReadString());
                if (iface != "org.freedesktop.login1.Manager" || property != "InhibitDelayMaxUSec")
                {
                    context.ReplyError("org.freedesktop.DBus.Error.UnknownProperty", $"{iface}.{property}");
                    break;
                }
                using var writer = context.CreateReplyWriter("v");
                writer.WriteVariantUInt64(InhibitDelayMaxUSec);
                context.Reply(writer.CreateMessage());
                break;
            }
            default:
                context.ReplyUnknownMethodError();
                break;
        }
        return ValueTask.CompletedTask;
    }

    private ValueTask HandleSystemdAsync(MethodContext context)
    {
        var request = context.Request;
        switch (request.PathAsString, request.InterfaceAsString, request.MemberAsString)
        {
            case ("/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "GetUnit" or "LoadUnit"):
            {
                var unit = request.GetBodyReader().ReadString();
                if (unit != "containerd.service")
                {
                    context.ReplyError("org.freedesktop.systemd1.NoSuchUnit", $"Unit {unit} not loaded.");
                    break;
                }
                using var writer = context.CreateReplyWriter("o");
                writer.WriteObjectPath(UnitPath);
                context.Reply(writer.CreateMessage());
                break;
            }
            case (UnitPath, "org.freedesktop.DBus.Properties", "Get"):
            {
                var reader = request.GetBodyReader();
                var (iface, property) = (reader.ReadString(), reader.ReadString());
                var state = ContainerdState;
                string? value = iface == "org.freedesktop.systemd1.Unit" ? property switch
                {
                    "LoadState" => state.Load,
                    "ActiveState" => state.Active,
                    "SubState" => state.Sub,
                    _ => null,
                } : null;
                if (value is null)
                {
                    context.ReplyError("org.freedesktop.DBus.Error.UnknownProperty", $"{iface}.{property}");
                    break;
                }
                using var writer = context.CreateReplyWriter("v");
                writer.WriteVariantString(value);
                context.Reply(writer.CreateMessage());
                break;
            }
            default:
                context.ReplyUnknownMethodError();
                break;
        }
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        _connection.Dispose();
        foreach (var inhibitor in Locks)
            inhibitor.Dispose();
    }

    /// <summary>One Inhibit call: its arguments and when the agent closed the descriptor (the pipe's read end sees EOF).</summary>
    internal sealed class InhibitorLock : IDisposable
    {
        private readonly AnonymousPipeServerStream _pipe;

        public InhibitorLock(string what, string who, string why, string mode, AnonymousPipeServerStream pipe)
        {
            (What, Who, Why, Mode, _pipe) = (what, who, why, mode, pipe);
            TakenAt = DateTimeOffset.UtcNow;
            Released = Task.Run(async () =>
            {
                var buffer = new byte[16];
                while (await _pipe.ReadAsync(buffer) > 0)
                {
                }
                return DateTimeOffset.UtcNow;
            });
        }

        public string What { get; }
        public string Who { get; }
        public string Why { get; }
        public string Mode { get; }
        public DateTimeOffset TakenAt { get; }

        /// <summary>Completes (with the time) when every copy of the write end is closed: the agent released the lock.</summary>
        public Task<DateTimeOffset> Released { get; }

        public void DropPeerCopy() => _pipe.DisposeLocalCopyOfClientHandle();

        public void Dispose() => _pipe.Dispose();
    }

    private sealed class Handler(string path, bool children, Func<MethodContext, ValueTask> handle) : IPathMethodHandler
    {
        public string Path => path;

        public bool HandlesChildPaths => children;

        public ValueTask HandleMethodAsync(MethodContext context) => handle(context);
    }
}
