using Drover.Store.Tests;

namespace Drover.Store.Sqlite.Tests;

/// <summary>Opens a fresh SQLite database per conformance test, in its own directory removed afterwards.</summary>
internal static class SqliteStores
{
    public static async Task<StoreUnderTest> OpenAsync(SqliteStoreOptions? options = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "drover-store-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "store.db");
        return await StoreUnderTest.OpenAsync(
            async () => await SqliteStore.OpenAsync(path, options),
            () =>
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // Best effort: a leftover temp directory must not fail a test.
                }

                return Task.CompletedTask;
            });
    }
}
