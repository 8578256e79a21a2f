namespace Drover.Store;

public sealed class StoreKeyExistsException : StoreException
{
    public StoreKeyExistsException(string key)
        : base($"Key '{key}' already exists.")
    {
        Key = key;
    }

    public string Key { get; }
}
