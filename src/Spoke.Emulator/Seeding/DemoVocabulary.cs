namespace Spoke.Emulator.Seeding;

/// <summary>The words the demo seed builds people, companies, deals, tickets, products, notes, tasks and projects from.</summary>
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

    /// <summary>The product catalog: name, SKU stem, unit price, unit cost, product type and billing term (empty: one-off).</summary>
    public static readonly (string Name, string Sku, int Price, int Cost, string Type, string Term)[] Products =
    [
        ("CRM Seat - Starter", "CRM-STA", 20, 4, "service", "P1M"), ("CRM Seat - Professional", "CRM-PRO", 90, 15, "service", "P1M"),
        ("CRM Seat - Enterprise", "CRM-ENT", 150, 25, "service", "P1M"), ("Analytics Add-on", "ANL-ADD", 400, 60, "service", "P1M"),
        ("Data Warehouse Connector", "DWH-CON", 1_200, 200, "service", "P12M"), ("API Access - Premium", "API-PRE", 500, 50, "service", "P1M"),
        ("Onboarding Package", "ONB-PKG", 3_000, 1_200, "service", ""), ("Implementation Workshop", "IMP-WSH", 1_800, 700, "service", ""),
        ("Custom Integration", "CUS-INT", 7_500, 3_500, "service", ""), ("Premium Support", "SUP-PRE", 250, 80, "service", "P1M"),
        ("Training Day (on site)", "TRN-DAY", 2_200, 900, "service", ""), ("Hardware Gateway", "HWG-001", 650, 310, "inventory", ""),
        ("Barcode Scanner", "BCS-002", 180, 75, "inventory", ""), ("Label Printer", "LBP-003", 320, 140, "inventory", ""),
        ("Storage Expansion 1 TB", "STO-1TB", 60, 12, "non_inventory", "P1M"), ("Sandbox Environment", "SBX-ENV", 300, 40, "non_inventory", "P1M"),
    ];

    public static readonly string[] NoteBodies =
    [
        "Intro call went well; they are comparing us with two other vendors.", "Sent the pricing sheet and a case study from their industry.",
        "Their budget is approved for next quarter.", "Champion is moving to another team; need a new contact.",
        "Asked for a security questionnaire before the trial.", "Demo for the operations team scheduled next week.",
        "Legal is reviewing the master services agreement.", "They want to start with a pilot for one department.",
        "Renewal conversation: happy with support, worried about price.", "Follow-up after the conference; interested in the analytics add-on.",
    ];

    public static readonly string[] TaskSubjects =
    [
        "Follow up on the proposal", "Send the contract for signature", "Schedule a product demo", "Call to confirm the renewal",
        "Prepare the quarterly business review", "Check in after onboarding", "Share the implementation plan", "Answer the security questionnaire",
        "Book the kickoff meeting", "Send the updated quote",
    ];

    public static readonly string[] ProjectKinds =
    [
        "Onboarding", "CRM Migration", "Data Cleanup", "Website Relaunch", "Integration Rollout", "Sales Enablement",
        "Support Portal", "Analytics Setup", "Pilot", "Process Automation",
    ];
}
