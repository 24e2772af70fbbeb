namespace Spoke.Emulator.Seeding;

/// <summary>The words the demo seed builds people, companies, deals and tickets from.</summary>
internal static class DemoVocabulary
{
    public static readonly string[] FirstNames =
    [
        "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
        "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
        "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra", "Steven", "Ashley",
        "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda",
        "Brian", "Melissa", "George", "Deborah", "Timothy", "Stephanie", "Ronald", "Rebecca", "Jason", "Laura",
        "Edward", "Sharon", "Jeffrey", "Cynthia", "Ryan", "Kathleen", "Jacob", "Amy", "Gary", "Angela",
        "Nicholas", "Shirley", "Eric", "Brenda", "Jonathan", "Emma", "Stephen", "Anna", "Larry", "Pamela",
        "Justin", "Nicole", "Scott", "Samantha", "Brandon", "Katherine", "Benjamin", "Christine", "Samuel", "Helen",
        "Aiko", "Lars", "Sofia", "Mateo", "Priya", "Arjun", "Chloé", "Lukas", "Ingrid", "Kwame",
        "Amara", "Diego", "Yuki", "Olga", "Hamid", "Fatima", "Wei", "Mei", "Tomás", "Zanele",
    ];

    public static readonly string[] LastNames =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
        "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
        "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
        "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Dubois", "Moreau", "Laurent", "Rossi", "Russo",
        "Bianchi", "Jansen", "de Vries", "Bakker", "Nowak", "Kowalski", "Novák", "Svensson", "Johansson", "Hansen",
        "Tanaka", "Suzuki", "Sato", "Kim", "Park", "Chen", "Wang", "Li", "Zhang", "Singh",
        "Patel", "Sharma", "Okafor", "Mensah", "Silva", "Santos", "Oliveira", "Costa", "O'Brien", "Murphy",
        "Kelly", "Walsh", "Ivanova", "Petrov", "Haddad", "Cohen", "Levi", "Yilmaz", "Demir", "Andersen",
    ];

    public static readonly (string City, string Country)[] Places =
    [
        ("Boston", "United States"), ("New York", "United States"), ("San Francisco", "United States"), ("Austin", "United States"),
        ("Chicago", "United States"), ("Seattle", "United States"), ("Denver", "United States"), ("Atlanta", "United States"),
        ("Toronto", "Canada"), ("Vancouver", "Canada"), ("Mexico City", "Mexico"), ("São Paulo", "Brazil"),
        ("Buenos Aires", "Argentina"), ("London", "United Kingdom"), ("Manchester", "United Kingdom"), ("Dublin", "Ireland"),
        ("Paris", "France"), ("Lyon", "France"), ("Berlin", "Germany"), ("Munich", "Germany"),
        ("Amsterdam", "Netherlands"), ("Madrid", "Spain"), ("Barcelona", "Spain"), ("Milan", "Italy"),
        ("Stockholm", "Sweden"), ("Copenhagen", "Denmark"), ("Warsaw", "Poland"), ("Zurich", "Switzerland"),
        ("Tokyo", "Japan"), ("Singapore", "Singapore"), ("Sydney", "Australia"), ("Melbourne", "Australia"),
        ("Bangalore", "India"), ("Lagos", "Nigeria"), ("Nairobi", "Kenya"), ("Cape Town", "South Africa"),
    ];

    public static readonly string[] JobTitles =
    [
        "CEO", "CTO", "CFO", "COO", "VP of Sales", "VP of Marketing", "Head of Operations", "Sales Manager",
        "Account Executive", "Marketing Manager", "Product Manager", "Software Engineer", "Engineering Manager",
        "Customer Success Manager", "Office Manager", "Procurement Specialist", "IT Director", "Data Analyst",
        "Operations Manager", "HR Manager", "Finance Director", "Founder", "Consultant", "Project Manager",
    ];

    public static readonly string[] CompanyWords =
    [
        "Blue", "Harbor", "Summit", "Pine", "River", "North", "Bright", "Iron", "Silver", "Cedar",
        "Atlas", "Nova", "Granite", "Maple", "Orbit", "Prairie", "Quantum", "Redwood", "Stellar", "Vertex",
        "Beacon", "Cobalt", "Delta", "Ember", "Falcon", "Golden", "Horizon", "Juniper", "Lumen", "Meridian",
    ];

    public static readonly string[] CompanySuffixes =
    [
        "Logistics", "Labs", "Systems", "Foods", "Health", "Analytics", "Partners", "Energy", "Robotics", "Media",
        "Software", "Capital", "Manufacturing", "Retail", "Consulting", "Networks", "Design", "Biotech",
    ];

    public static readonly string[] FreeMailDomains = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me"];

    public static readonly string[] DealKinds =
    [
        "New Business", "Renewal", "Expansion", "Pilot", "Upgrade", "Annual Contract", "Multi-year Deal", "Add-on Seats",
    ];

    public static readonly string[] TicketSubjects =
    [
        "Cannot log in to the dashboard", "Invoice shows the wrong amount", "Export to CSV times out",
        "Request to add five more seats", "Integration stopped syncing overnight", "Password reset email never arrives",
        "Feature request: dark mode", "API returns 429 during nightly import", "Question about the renewal quote",
        "Data missing after the last update", "Need help configuring SSO", "Report totals do not match",
    ];

    public static readonly string[] TicketSentences =
    [
        "The customer reported this through the support form.", "It started after the last release.",
        "They have tried clearing the cache and logging in again.", "It affects several users on their team.",
        "A screenshot is attached to the original email.", "They need this resolved before the end of the month.",
        "The issue cannot be reproduced on our side yet.", "This is blocking their quarterly reporting.",
    ];
}
