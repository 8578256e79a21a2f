using Microsoft.Data.Sqlite;

namespace Drover.Store;

internal static class SqliteValues
{
    /// <summary>SQLite may hand back a zero-length blob as NULL; values are never null at the API.</summary>
    public static byte[] ReadBlob(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? [] : reader.GetFieldValue<byte[]>(ordinal);
}
