using Microsoft.Data.Sqlite;

namespace Spoke.Webhooks.Tests.Infrastructure;

/// <summary>
/// A fresh temp folder for a test's inbox files. Disposing releases SQLite's pooled handles first (they keep the
/// files open) and then deletes the folder.
/// </summary>
public sealed class TempInboxDirectory : IDisposable
{
    public TempInboxDirectory(string purpose)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"spoke-webhooks-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A file inside the folder, e.g. <c>File("inbox.db")</c>.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
