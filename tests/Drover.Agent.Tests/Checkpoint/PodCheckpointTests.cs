using Drover.Agent.Pods;
using Drover.Api;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Agent.Checkpoint.Tests;

public sealed class PodCheckpointTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "drover-checkpoint-tests-" + Guid.NewGuid().ToString("N"), "pods");
    private readonly PodCheckpoint _checkpoint;

    public PodCheckpointTests() => _checkpoint = new PodCheckpoint(_directory, NullLogger.Instance);

    public void Dispose()
    {
        if (Directory.Exists(Path.GetDirectoryName(_directory)))
        {
            Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);
        }
    }

    private static Pod NewPod(string uid = "6f1c2b7e-0d7a-4e0b-9a51-3f0c1a2b3c4d", string image = "my-app:v1.0", string resourceVersion = "7") => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta
        {
            Name = "web",
            Namespace = "default",
            Uid = uid,
            ResourceVersion = resourceVersion,
            Labels = new() { ["app"] = "my-app" },
            Annotations = new() { ["note"] = "x" },
        },
        Spec = new PodSpec
        {
            NodeName = "edge-1",
            Containers =
            [
                new Container
                {
                    Name = "app",
                    Image = image,
                    Command = ["/bin/sh"],
                    Args = ["-c", "httpd -f -p 3000"],
                    Env = [new EnvVar { Name = "MODE", Value = "edge" }],
                    Ports = [new ContainerPort { Port = 3000 }],
                    Resources = new ResourceRequirements { Limits = new() { ["cpu"] = Quantity.Parse("500m"), ["memory"] = Quantity.Parse("256Mi") } },
                    ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/health", Port = 3000 }, PeriodSeconds = 1 },
                },
            ],
        },
        Status = new PodStatus { Phase = "Running", PodIP = "10.88.9.2" },
    };

    private string FileOf(Pod pod) => Path.Combine(_directory, pod.Metadata.Uid + ".json");

    [Fact]
    public void Save_NewPod_WritesOwnerOnlyFileWithoutStatusOrResourceVersion()
    {
        var pod = NewPod();

        Assert.True(_checkpoint.Save(pod));

        var path = FileOf(pod);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var stored = (Pod)ResourceTypes.Pods.Deserialize(File.ReadAllBytes(path));
        Assert.Null(stored.Status);
        Assert.Null(stored.Metadata.ResourceVersion);
        Assert.Equal("my-app:v1.0", stored.Spec.Containers[0].Image);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void Save_OnlyStatusAndResourceVersionChanged_DoesNotWriteAgain()
    {
        var pod = NewPod();
        _checkpoint.Save(pod);
        var written = File.GetLastWriteTimeUtc(FileOf(pod));
        File.SetLastWriteTimeUtc(FileOf(pod), written.AddMinutes(-5));

        var again = _checkpoint.Save(pod with { Status = new PodStatus { Phase = "Pending" }, Metadata = pod.Metadata with { ResourceVersion = "8" } });

        Assert.False(again);
        Assert.Equal(written.AddMinutes(-5), File.GetLastWriteTimeUtc(FileOf(pod)));
    }

    [Fact]
    public void Save_SpecOrLabelsChanged_WritesTheNewObject()
    {
        var pod = NewPod();
        _checkpoint.Save(pod);

        Assert.True(_checkpoint.Save(NewPod(image: "my-app:v2.0")));
        Assert.Equal("my-app:v2.0", Assert.Single(_checkpoint.Load()).Spec.Containers[0].Image);
        var relabelled = NewPod(image: "my-app:v2.0") with { Metadata = NewPod().Metadata with { Labels = new() { ["app"] = "other" } } };
        Assert.True(_checkpoint.Save(relabelled));
    }

    [Fact]
    public void Load_AfterSave_SamePodSpecAndContainerHash()
    {
        var pod = NewPod();
        _checkpoint.Save(pod);

        var loaded = Assert.Single(new PodCheckpoint(_directory, NullLogger.Instance).Load());

        // The hash decides whether a running container matches its spec: a container started from the
        // checkpoint must match the same pod when droverd sends it again.
        Assert.Equal(CriConfigFactory.Hash(pod.Spec.Containers[0]), CriConfigFactory.Hash(loaded.Spec.Containers[0]));
        Assert.Equal(pod.Metadata.Uid, loaded.Metadata.Uid);
        Assert.Equal("edge-1", loaded.Spec.NodeName);
        Assert.Equal(Quantity.Parse("256Mi"), loaded.Spec.Containers[0].Resources!.Limits!["memory"]);
    }

    [Fact]
    public void Save_AfterLoadWithSamePod_DoesNotWrite()
    {
        _checkpoint.Save(NewPod());
        var restarted = new PodCheckpoint(_directory, NullLogger.Instance);
        restarted.Load();

        Assert.False(restarted.Save(NewPod(resourceVersion: "99")));
    }

    [Fact]
    public void Save_SamePodAfterRestartWithoutLoad_DoesNotRewrite()
    {
        var pod = NewPod();
        _checkpoint.Save(pod);
        var old = File.GetLastWriteTimeUtc(FileOf(pod)).AddMinutes(-5);
        File.SetLastWriteTimeUtc(FileOf(pod), old);

        Assert.False(new PodCheckpoint(_directory, NullLogger.Instance).Save(NewPod(resourceVersion: "12")));
        Assert.Equal(old, File.GetLastWriteTimeUtc(FileOf(pod)));
    }

    [Fact]
    public void Load_CorruptAndLeftoverFiles_SkipsCorruptRemovesTemporaryLoadsTheRest()
    {
        var good = NewPod();
        _checkpoint.Save(good);
        File.WriteAllText(Path.Combine(_directory, "0000-bad.json"), "{\"metadata\": {\"uid\": ");
        File.WriteAllText(Path.Combine(_directory, "1111-other.json"), System.Text.Encoding.UTF8.GetString(ResourceTypes.Pods.SerializeToUtf8Bytes(good)));
        var leftover = Path.Combine(_directory, "2222.json.tmp");
        File.WriteAllText(leftover, "half");

        var loaded = _checkpoint.Load();

        Assert.Equal(good.Metadata.Uid, Assert.Single(loaded).Metadata.Uid);
        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(Path.Combine(_directory, "0000-bad.json")), "a corrupt file is kept for a person to look at");
    }

    [Fact]
    public void Load_NoDirectory_Empty()
    {
        Assert.Empty(new PodCheckpoint(Path.Combine(_directory, "missing"), NullLogger.Instance).Load());
    }

    [Fact]
    public void Remove_SavedPod_FileGoneAndNextSaveWritesAgain()
    {
        var pod = NewPod();
        _checkpoint.Save(pod);

        _checkpoint.Remove(pod.Metadata.Uid!);

        Assert.False(File.Exists(FileOf(pod)));
        Assert.True(_checkpoint.Save(pod));
    }

    [Fact]
    public void Prune_UidsNotKept_RemovesOnlyThose()
    {
        var kept = NewPod(uid: "aaaa-1");
        var gone = NewPod(uid: "bbbb-2");
        _checkpoint.Save(kept);
        _checkpoint.Save(gone);

        var removed = _checkpoint.Prune(uid => uid == "aaaa-1");

        Assert.Equal(1, removed);
        Assert.Equal("aaaa-1", Assert.Single(_checkpoint.Load()).Metadata.Uid);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Save_UidNotAFileName_Refused(string uid)
    {
        Assert.False(_checkpoint.Save(NewPod(uid: uid)));
        Assert.False(Directory.Exists(_directory) && Directory.EnumerateFileSystemEntries(_directory).Any());
    }
}
