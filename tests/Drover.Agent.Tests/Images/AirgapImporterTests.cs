using System.Formats.Tar;
using System.Text;
using Drover.Agent.Cri.Tests;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Agent.Images.Tests;

/// <summary>Airgap archives imported into a real private containerd (node index 7), found by CRI afterwards.</summary>
[Collection(PrivateContainerdCollection.Name)]
[Trait("Category", "Process")]
public sealed class AirgapImporterTests(PrivateContainerdFixture containerd) : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("drover-airgap-").FullName;
    private readonly List<string> _images = [];

    private string ImagesDirectory => Directory.CreateDirectory(Path.Combine(_dataDirectory, "images")).FullName;

    private AirgapImporter Importer(string ctrPath = "ctr") =>
        new(containerd.Client, containerd.SocketPath, _dataDirectory, NullLogger<AirgapImporter>.Instance, ctrPath);

    /// <summary>
    /// The sample app's archive (built by packaging/images) renamed to a name no other test uses, so that
    /// "CRI finds it" can only be the import's doing.
    /// </summary>
    private string WriteRenamedArchive(string fileName)
    {
        var name = $"drover.local/airgap-{Guid.NewGuid():N}"[..30];
        _images.Add(name + ":v1");
        var path = Path.Combine(ImagesDirectory, fileName);
        using var source = new TarReader(File.OpenRead(Path.Combine(RepoPaths.Root, "artifacts", "images", "hello.tar")));
        using var output = File.Create(path);
        using var writer = new TarWriter(output, TarEntryFormat.Pax);
        while (source.GetNextEntry(copyData: true) is { } entry)
        {
            if (entry.Name.TrimStart('.', '/') == "index.json")
            {
                var index = new StreamReader(entry.DataStream!).ReadToEnd().Replace("drover.local/hello:", name + ":", StringComparison.Ordinal);
                Assert.Contains(name, index, StringComparison.Ordinal);
                var renamed = new PaxTarEntry(TarEntryType.RegularFile, entry.Name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(index)) };
                writer.WriteEntry(renamed);
            }
            else
            {
                writer.WriteEntry(entry);
            }
        }

        return name + ":v1";
    }

    [Fact]
    public async Task ImportAsync_NewArchive_ImageFoundByCri()
    {
        var image = WriteRenamedArchive("app.tar");
        Assert.Null(await containerd.Client.ImageStatusAsync(image));

        var results = await Importer().ImportAsync(CancellationToken.None);

        var result = Assert.Single(results);
        Assert.Equal(new AirgapImportResult("app.tar", AirgapImportOutcome.Imported, null), result);
        Assert.NotNull(await containerd.Client.ImageStatusAsync(image));
    }

    [Fact]
    public async Task ImportAsync_SecondStart_SkipsWhatWasImported_ReimportsAChangedArchive()
    {
        WriteRenamedArchive("app.tar");
        await Importer().ImportAsync(CancellationToken.None);

        var again = await Importer().ImportAsync(CancellationToken.None);
        Assert.Equal(AirgapImportOutcome.AlreadyImported, Assert.Single(again).Outcome);

        var changed = WriteRenamedArchive("app.tar");
        var afterChange = await Importer().ImportAsync(CancellationToken.None);
        Assert.Equal(AirgapImportOutcome.Imported, Assert.Single(afterChange).Outcome);
        Assert.NotNull(await containerd.Client.ImageStatusAsync(changed));
    }

    [Fact]
    public async Task ImportAsync_CorruptArchiveBesideAGoodOne_GoodOneImported_BadOneReported()
    {
        File.WriteAllText(Path.Combine(ImagesDirectory, "broken.tar"), "this is not a tar archive");
        var image = WriteRenamedArchive("good.tar");

        var results = await Importer().ImportAsync(CancellationToken.None);

        Assert.Equal(2, results.Count);
        var broken = results.Single(r => r.Archive == "broken.tar");
        Assert.Equal(AirgapImportOutcome.Failed, broken.Outcome);
        Assert.Contains("ctr exited", broken.Error, StringComparison.Ordinal);
        Assert.Equal(AirgapImportOutcome.Imported, results.Single(r => r.Archive == "good.tar").Outcome);
        Assert.NotNull(await containerd.Client.ImageStatusAsync(image));

        // The failure is not remembered as imported: the next start tries again.
        var next = await Importer().ImportAsync(CancellationToken.None);
        Assert.Equal(AirgapImportOutcome.Failed, next.Single(r => r.Archive == "broken.tar").Outcome);
    }

    [Fact]
    public async Task ImportAsync_NoImagesDirectory_DoesNothing()
    {
        Assert.Empty(await Importer().ImportAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ImportAsync_CtrMissing_FailsWithAMessageNamingIt()
    {
        WriteRenamedArchive("app.tar");

        var result = Assert.Single(await Importer("/nonexistent/ctr").ImportAsync(CancellationToken.None));

        Assert.Equal(AirgapImportOutcome.Failed, result.Outcome);
        Assert.Contains("cannot run '/nonexistent/ctr'", result.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var image in _images)
            containerd.Client.RemoveImageAsync(image).GetAwaiter().GetResult();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
