using System.Security.Cryptography;
using System.Text.Json;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Checkpoint;

/// <summary>
/// The pods bound to this node, on disk (DIR/UID.json, 0600): what the agent brings back after a reboot
/// while droverd is unreachable. Each file is the latest object the pod manager accepted, without its
/// status and resourceVersion — both change on every status write, and rewriting (fsync) the file for them
/// would cost flash wear for nothing: a file is written only when the pod's spec or metadata changed.
/// Writes are atomic (temporary file, fsync, rename). Thread-safe.
/// </summary>
internal sealed partial class PodCheckpoint
{
    private const string Extension = ".json";

    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();

    /// <summary>A digest of what each file holds, so an unchanged pod costs a serialisation, not a write.</summary>
    private readonly Dictionary<string, byte[]> _written = new(StringComparer.Ordinal);

    public PodCheckpoint(string directory, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(logger);
        _directory = directory;
        _logger = logger;
    }

    public string Directory => _directory;

    /// <summary>Writes the pod when its spec or metadata differ from the file's; true when it wrote.</summary>
    public bool Save(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (!IsSafeUid(pod.Metadata.Uid))
        {
            return false;
        }

        var uid = pod.Metadata.Uid!;
        var bytes = ResourceTypes.Pods.SerializeToUtf8Bytes(Stripped(pod));
        var digest = SHA256.HashData(bytes);
        lock (_lock)
        {
            var known = _written.GetValueOrDefault(uid) ?? DigestOnDisk(uid);
            if (known is not null && known.AsSpan().SequenceEqual(digest))
            {
                // An agent restarted online sees every pod again: a read, not a rewrite, per pod.
                _written[uid] = digest;
                return false;
            }

            try
            {
                SecretFile.Write(PathOf(uid), bytes);
                _written[uid] = digest;
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A full or read-only disk must not stop the pods; the next change tries again.
                LogWriteFailed(uid, e.Message);
                return false;
            }
        }
    }

    /// <summary>Forgets the pod (it is gone for good: deleted, or bound elsewhere).</summary>
    public void Remove(string uid)
    {
        if (!IsSafeUid(uid))
        {
            return;
        }

        lock (_lock)
        {
            _written.Remove(uid);
            try
            {
                File.Delete(PathOf(uid));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogRemoveFailed(uid, e.Message);
            }
        }
    }

    /// <summary>
    /// Every checkpointed pod. A file that does not decode (cut short by a crash before its rename could
    /// not happen, but a disk can still corrupt it) is skipped and logged: one bad pod must not keep the
    /// others down. Left-over temporary files are removed.
    /// </summary>
    public IReadOnlyList<Pod> Load()
    {
        var pods = new List<Pod>();
        if (!System.IO.Directory.Exists(_directory))
        {
            return pods;
        }

        lock (_lock)
        {
            foreach (var path in System.IO.Directory.EnumerateFiles(_directory))
            {
                var name = Path.GetFileName(path);
                if (!name.EndsWith(Extension, StringComparison.Ordinal))
                {
                    TryDelete(path);
                    continue;
                }

                try
                {
                    // A pod is one object: a file larger than the object limit is not one this agent wrote.
                    var bytes = InputFiles.ReadBytes(path, InputLimits.MaxObjectBytes, nameof(InputLimits.MaxObjectBytes));
                    if (ResourceTypes.Pods.Deserialize(bytes) is Pod { Metadata.Uid: { } uid } pod && uid == name[..^Extension.Length])
                    {
                        _written[uid] = SHA256.HashData(bytes);
                        pods.Add(pod);
                    }
                    else
                    {
                        LogUnreadable(path, "the file does not hold the pod its name says");
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or ManifestException)
                {
                    LogUnreadable(path, e.Message);
                }
            }
        }

        return pods;
    }

    /// <summary>Removes the files of pods <paramref name="keep"/> says no to (after a list: pods that went while the agent was down).</summary>
    public int Prune(Func<string, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        if (!System.IO.Directory.Exists(_directory))
        {
            return 0;
        }

        var removed = 0;
        foreach (var path in System.IO.Directory.EnumerateFiles(_directory, "*" + Extension))
        {
            var uid = Path.GetFileName(path)[..^Extension.Length];
            if (!keep(uid))
            {
                Remove(uid);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>What is kept of a pod: no status, no resourceVersion (see the class summary).</summary>
    internal static Pod Stripped(Pod pod) => pod with
    {
        Status = null,
        Metadata = pod.Metadata with { ResourceVersion = null },
    };

    private string PathOf(string uid) => Path.Combine(_directory, uid + Extension);

    private byte[]? DigestOnDisk(string uid)
    {
        try
        {
            return SHA256.HashData(File.ReadAllBytes(PathOf(uid)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not there (FileNotFound and DirectoryNotFound are IOExceptions) or unreadable: write it.
            return null;
        }
    }

    /// <summary>UIDs become file names: anything but letters, digits and '-' (a path, "..") is refused.</summary>
    private static bool IsSafeUid(string? uid) =>
        uid is { Length: > 0 and <= 64 } && uid.AsSpan().IndexOfAnyExcept("0123456789abcdefABCDEFghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ-") < 0;

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogRemoveFailed(Path.GetFileName(path), e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the checkpoint of pod {Uid} failed: {Error}")]
    private partial void LogWriteFailed(string uid, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing the checkpoint file {Name} failed: {Error}")]
    private partial void LogRemoveFailed(string name, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipping the unreadable checkpoint {Path}: {Error}")]
    private partial void LogUnreadable(string path, string error);
}
