namespace Drover.Store;

public sealed class StoreKeyNotFoundException : StoreException
{
    public StoreKeyNotFoundException(string key)
        : base($"Key '{key}' does not exist.")
    {
        Key = key;
    }

    public string Key { get; }
}
