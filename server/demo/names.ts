/** Names for demo customers; emails are made from them on reserved example domains. */
export const firstNames = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Amelia', 'Oliver', 'Ava', 'Elijah', 'Sophia', 'Mateo', 'Isabella', 'Lucas',
  'Mia', 'Levi', 'Charlotte', 'Leo', 'Harper', 'Ezra', 'Evelyn', 'Luca', 'Aria', 'Asher', 'Luna', 'James',
  'Ella', 'Hudson', 'Nora', 'Ethan', 'Hazel', 'Henry', 'Zoe', 'Jack', 'Layla', 'Grace', 'Aiden', 'Priya',
  'Arjun', 'Mei', 'Hiroshi', 'Fatima', 'Omar', 'Ingrid', 'Lars', 'Sofia', 'Diego', 'Chloe', 'Marcus', 'Anya',
  'Tomás', 'Elena', 'Kwame', 'Amara', 'Yusuf', 'Leila', 'Niamh', 'Finn', 'Ruth', 'Samuel', 'Clara', 'Felix',
] as const;

export const lastNames = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Thompson', 'White',
  'Harris', 'Clark', 'Lewis', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Nguyen', 'Hill', 'Green',
  'Adams', 'Baker', 'Nelson', 'Patel', 'Kim', 'Chen', 'Okafor', 'Kowalski', 'Novak', 'Schmidt', 'Rossi', 'Silva',
  'Larsen', 'Murphy', "O'Brien", 'Tanaka', 'Haddad', 'Mensah', 'Costa', 'Dubois', 'Fischer', 'Ivanova', 'Sato',
] as const;

export const emailDomains = ['example.com', 'example.org', 'example.net', 'mail.example', 'inbox.example'] as const;
