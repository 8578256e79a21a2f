namespace Drover.Store.Tests;

/// <summary>A real SQLite store in its own temporary directory, removed on dispose.</summary>
internal sealed class TestStore : IAsyncDisposable
{
    private TestStore(string directory, SqliteStoreOptions? options)
    {
        Directory = directory;
        Options = options;
    }

    public string Directory { get; }

    public string DatabasePath => Path.Combine(Directory, "store.db");

    public SqliteStoreOptions? Options { get; }

    public SqliteStore Store { get; private set; } = null!;

    public static async Task<TestStore> CreateAsync(SqliteStoreOptions? options = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "drover-store-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var test = new TestStore(directory, options);
        test.Store = await SqliteStore.OpenAsync(test.DatabasePath, options);
        return test;
    }

    public async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = await SqliteStore.OpenAsync(DatabasePath, Options);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }
}
