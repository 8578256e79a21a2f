using System.Diagnostics;
using System.Globalization;
using Drover.Agent.Cri;
using Drover.Agent.Pods;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Pods.Tests;

/// <summary>
/// A node for the pod manager's tests: a real droverd on loopback, a real private containerd (node index 5,
/// bridge drover5, podCIDR 10.88.5.0/24) and the <see cref="PodManager"/> running in-process with the
/// admin client, node name "node-5", short back-offs. Pods are bound by creating them with spec.nodeName.
/// Everything is stopped and removed afterwards (run-private.sh stop sweeps containerd's leftovers).
/// </summary>
public sealed class AgentNodeFixture : IAsyncLifetime
{
    public const int NodeIndex = 5;
    public const string NodeName = "node-5";
    public const string NodeIp = "10.88.5.1";
    public static readonly string PodCidrPrefix = $"10.88.{NodeIndex}.";
    public static readonly string CgroupRoot = $"/drover{NodeIndex}";

    private CriClient? _cri;
    private DroverClient? _api;
    private DroverdProcess? _droverd;
    private CancellationTokenSource? _managerStop;
    private Task? _manager;
    private ILoggerFactory? _loggers;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"drover-pod-tests-{Environment.ProcessId}");

    public string SocketPath => Path.Combine(Directory, "containerd.sock");

    public string LogRoot => Path.Combine(Directory, "pods");

    public string AgentLogPath => Path.Combine(Directory, "agent.log");

    /// <summary>The pods' volumes (PodManagerOptions.PodDirectoryRoot).</summary>
    public string VolumeRoot => Path.Combine(Directory, "volumes");

    internal CriClient Cri => _cri ?? throw new InvalidOperationException("containerd is not running");

    public DroverClient Api => _api ?? throw new InvalidOperationException("droverd is not running");

    internal PodManagerOptions Options => new()
    {
        NodeName = NodeName,
        NodeIp = NodeIp,
        CgroupParentRoot = CgroupRoot,
        PodLogRoot = LogRoot,
        PodDirectoryRoot = VolumeRoot,
        BackoffInitial = TimeSpan.FromSeconds(1),
        BackoffMax = TimeSpan.FromSeconds(4),
        ResyncInterval = TimeSpan.FromSeconds(2),
    };

    public async Task InitializeAsync()
    {
        var (code, output) = await RunScriptAsync("start", Directory, NodeIndex.ToString(CultureInfo.InvariantCulture));
        if (code != 0)
        {
            await RunScriptAsync("stop", Directory);
            throw new InvalidOperationException($"run-private.sh start failed (exit {code}); the pod tests need root, containerd, runc and the CNI plugins:\n{output}");
        }

        _cri = new CriClient(new CriClientOptions { SocketPath = SocketPath });
        _droverd = await DroverdProcess.StartAsync();
        _api = _droverd.Client();
        _loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new FileLoggerProvider(AgentLogPath)));
        StartManager();
    }

    /// <summary>Starts a fresh pod manager (a new agent process, as far as CRI and the API can tell).</summary>
    public void StartManager()
    {
        if (_manager is not null)
        {
            throw new InvalidOperationException("the pod manager is already running");
        }

        _managerStop = new CancellationTokenSource();
        var manager = new PodManager(Api, Cri, Options, TimeProvider.System, _loggers!);
        _manager = Task.Run(() => manager.RunAsync(_managerStop.Token));
    }

    /// <summary>Stops the pod manager as an agent shutdown does: the pods keep running.</summary>
    public async Task StopManagerAsync()
    {
        if (_manager is null)
        {
            return;
        }

        await _managerStop!.CancelAsync();
        await _manager.WaitAsync(TimeSpan.FromSeconds(30));
        _managerStop.Dispose();
        _manager = null;
    }

    public async Task DisposeAsync()
    {
        try
        {
            await StopManagerAsync();
        }
        finally
        {
            _api?.Dispose();
            if (_droverd is not null)
            {
                await _droverd.DisposeAsync();
            }

            _cri?.Dispose();
            _loggers?.Dispose();
            var (code, output) = await RunScriptAsync("stop", Directory);
            if (code != 0)
            {
                throw new InvalidOperationException($"run-private.sh stop failed (exit {code}):\n{output}");
            }

            // A tmpfs a failed test left behind would keep its files (and fail the delete): unmount first.
            foreach (var mount in Drover.Agent.Volumes.LinuxMounts.MountsUnder(Directory))
            {
                Drover.Agent.Volumes.LinuxMounts.Unmount(mount);
            }

            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private static Task<(int ExitCode, string Output)> RunScriptAsync(params string[] args) => PrivateContainerdScript.RunAsync(args);

    /// <summary>The agent's log in the fixture's directory: read it when a test fails.</summary>
    private sealed class FileLoggerProvider(string path) : ILoggerProvider
    {
        private readonly StreamWriter _writer = new(path, append: true) { AutoFlush = true };

        public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

        public void Dispose()
        {
            lock (_writer)
            {
                _writer.Dispose();
            }
        }

        private void Write(string line)
        {
            lock (_writer)
            {
                if (_writer.BaseStream.CanWrite)
                {
                    _writer.WriteLine(line);
                }
            }
        }

        private sealed class FileLogger(FileLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                ArgumentNullException.ThrowIfNull(formatter);
                owner.Write($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AgentNodeCollection : ICollectionFixture<AgentNodeFixture>
{
    public const string Name = "agent node (droverd + containerd 5)";
}
